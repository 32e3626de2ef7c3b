#pragma once

#include "common/error.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace chatdb::orchestrator {

/// A validated POST /jobs body: what a job asks for.
struct JobRequest {
  /// cpu_request when the body has none.
  static constexpr double kDefaultCpuRequest = 1;

  std::string model_name;
  std::string dataset_location;
  double cpu_request = kDefaultCpuRequest;
  std::optional<std::string> target;
  std::string task = "auto";
  std::string algorithm = "xgboost";
  nlohmann::json params = nlohmann::json::object();
  std::int64_t priority = 0;
  std::int64_t max_retries = 2;
  std::int64_t timeout_s = 3600;

  /// Validates a body: required fields (model_name, dataset_location; cpu_request defaults to
  /// 1), types, ranges, no unknown fields. `max_cpu` is the orchestrator's capacity: a job that
  /// could never be admitted is refused at once. Every error names the field and what it accepts.
  static Result<JobRequest> parse(const nlohmann::json& body, double max_cpu);
  /// Every field, as the API shows it.
  nlohmann::json to_json() const;
  /// The request in canonical form: two equal requests give equal text (for Idempotency-Key).
  std::string canonical() const { return to_json().dump(); }
};

}  // namespace chatdb::orchestrator
