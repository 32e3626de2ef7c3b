#pragma once

#include "common/error.h"
#include "http/client.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace chatdb::ml_engine {

/// A job as the orchestrator sees it, as far as the engine cares.
struct JobState {
  std::string status;  // queued | running | succeeded | failed | cancelled
  std::int64_t attempts = 0;

  /// Whether attempt `attempt` is the one the orchestrator is running now.
  bool runs(std::int64_t attempt) const { return status == "running" && attempts == attempt; }
};

/// Asks the training orchestrator about jobs: GET /jobs/{id}. Thread-safe.
class OrchestratorClient {
 public:
  OrchestratorClient(std::string base_url, std::shared_ptr<http::Client> client);

  /// The job's state, or nullopt when the orchestrator does not know it (404). kUnavailable
  /// (retryable) when the orchestrator cannot be reached or fails.
  Result<std::optional<JobState>> job(const std::string& id);

 private:
  std::string base_url_;
  std::shared_ptr<http::Client> client_;
};

}  // namespace chatdb::ml_engine
