#pragma once

#include "metadata/metadata_store.h"
#include "orchestrator/job_request.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace chatdb::orchestrator {

/// Job states: queued -> running -> succeeded | failed | cancelled; a retryable failure goes
/// back to queued.
namespace status {
inline constexpr const char* kQueued = "queued";
inline constexpr const char* kRunning = "running";
inline constexpr const char* kSucceeded = "succeeded";
inline constexpr const char* kFailed = "failed";
inline constexpr const char* kCancelled = "cancelled";
bool is_terminal(const std::string& s);
bool is_known(const std::string& s);
}  // namespace status

/// How a running job's `error` begins while its attempt waits for a dependency (S3, ...).
inline constexpr std::string_view kWaitingPrefix = "waiting for ";

/// A training job as stored: what was asked for, and where it stands.
struct Job {
  std::string id;
  std::int64_t seq = 0;
  JobRequest spec;
  std::string status = status::kQueued;
  std::int64_t attempts = 0;
  double progress = 0;
  std::optional<std::string> error;
  std::optional<std::int64_t> model_version;
  nlohmann::json metrics;  // null until succeeded
  std::int64_t submitted_at = 0;
  std::optional<std::int64_t> started_at;
  std::optional<std::int64_t> finished_at;
  std::int64_t not_before = 0;
  std::optional<std::int64_t> lease_expires_at;

  /// The columns `from_row` reads, for SELECT lists.
  static const char* columns();
  static Job from_row(const metadata::Row& row);
  /// The API view; `queue_position` only for queued jobs; "message" says what a running
  /// job waits for ("waiting for S3: ...").
  nlohmann::json to_json(std::optional<std::int64_t> queue_position = std::nullopt) const;
  /// The message on the training topic that asks an engine to run this attempt.
  nlohmann::json training_message() const;
};

}  // namespace chatdb::orchestrator
