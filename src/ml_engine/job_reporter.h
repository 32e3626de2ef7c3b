#pragma once

#include "bus/message_bus.h"
#include "ml_engine/orchestrator_client.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace chatdb::ml_engine {

/// One event of a job attempt on the job-events topic: {"job_id", "attempt", "type",
/// "progress", "at"} plus the given fields (round, model_version, metrics, error, retryable).
std::string job_event(const std::string& job_id, std::int64_t attempt, const std::string& type, double progress,
                      nlohmann::json extra = nlohmann::json::object());

/// Watches one running attempt from a thread of its own while the training thread works:
/// - publishes "progress" events with the latest progress, at most every `progress_interval`
///   and at least every `heartbeat_interval` even without news (the orchestrator's lease);
/// - asks the orchestrator every `status_interval` whether this attempt is still the running
///   one, and notes when it is not (cancelled, timed out there, or re-queued);
/// - notes when the attempt has run longer than its timeout;
/// - carries what the attempt waits for (note()) on its progress events.
/// The training thread reports with progress() and polls stop_reason() between rounds.
/// A progress event that cannot be published is skipped (the next one carries the news).
/// Thread-safe; destroying it stops the thread.
class JobReporter {
 public:
  struct Options {
    std::chrono::milliseconds progress_interval{500};
    std::chrono::milliseconds heartbeat_interval{5000};
    std::chrono::milliseconds status_interval{1000};
  };

  /// Why an attempt should stop.
  struct Stop {
    bool timed_out = false;  // else: the orchestrator no longer runs this attempt
    std::string reason;
  };

  JobReporter(std::shared_ptr<bus::MessageBus> bus, std::string topic, std::shared_ptr<OrchestratorClient> orchestrator,
              std::string job_id, std::int64_t attempt, std::chrono::seconds timeout, Options options);
  ~JobReporter();
  JobReporter(const JobReporter&) = delete;
  JobReporter& operator=(const JobReporter&) = delete;

  /// The attempt's progress in [0, 1], and the training round when there is one.
  void progress(double fraction, std::optional<int> round = std::nullopt);
  /// What the attempt waits for ("waiting for S3: ..."), carried by progress events as
  /// "message" while set; "" clears it (one event then says so).
  void note(const std::string& message);
  /// Set once the attempt should stop; stays set.
  std::optional<Stop> stop_reason() const;

 private:
  void run();
  void check_status();

  std::shared_ptr<bus::MessageBus> bus_;
  std::string topic_;
  std::shared_ptr<OrchestratorClient> orchestrator_;
  std::string job_id_;
  std::int64_t attempt_;
  std::chrono::steady_clock::time_point deadline_;
  Options options_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  double progress_ = 0;
  std::optional<int> round_;
  bool changed_ = false;
  std::string message_;
  bool message_changed_ = false;
  std::optional<Stop> stop_;
  std::thread thread_;
};

}  // namespace chatdb::ml_engine
