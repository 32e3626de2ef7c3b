#pragma once

#include "common/error.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace chatdb::ml_engine {

/// One message of the training topic: an attempt at a job, as the orchestrator publishes it.
struct TrainingJob {
  std::string job_id;
  std::int64_t attempt = 0;
  std::string model_name;
  std::string dataset_location;
  std::string target;  // empty: chosen from the dataset
  std::string task = "auto";
  std::string algorithm = "xgboost";
  nlohmann::json params = nlohmann::json::object();
  double cpu_request = 1;
  std::int64_t timeout_s = 3600;

  /// Threads to train with: cpu_request rounded up, at least one.
  int threads() const;

  /// Reads {"job_id", "attempt", "model_name", "dataset_location", "target"?, "task"?,
  /// "algorithm"?, "params"?, "cpu_request"?, "timeout_s"?}; kInvalidArgument naming the
  /// field that is missing or of the wrong type. Unknown fields are ignored (a newer producer).
  static Result<TrainingJob> parse(const std::string& payload);
};

}  // namespace chatdb::ml_engine
