#pragma once

#include "common/error.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace chatdb::orchestrator {

/// What an engine reports about one attempt of a job on the job-events topic.
struct JobEvent {
  std::string job_id;
  std::int64_t attempt = 0;
  std::string type;  // started | progress | succeeded | failed
  double progress = 0;
  std::optional<std::int64_t> model_version;
  nlohmann::json metrics;
  std::string error;
  bool retryable = false;
  /// On progress events: what the attempt waits for ("waiting for S3: ..."), "" once it no
  /// longer waits; absent when unchanged.
  std::optional<std::string> message;

  /// Parses a message payload; malformed events are invalid-argument errors.
  static Result<JobEvent> parse(const std::string& payload);
};

}  // namespace chatdb::orchestrator
