#pragma once

#include "orchestrator/job_repository.h"

#include "common/periodic_worker.h"

#include <atomic>
#include <chrono>
#include <functional>

namespace chatdb::orchestrator {

/// The orchestrator's clock: once per interval it fails timed-out jobs, retries or fails jobs
/// whose engine went silent and counts the jobs; on every tick, and at once when woken (by a
/// submission or a finished job), it admits queued jobs within the CPU capacity (a constant
/// cost: counts and an index, never a scan of the queue); it reports what it did through
/// `on_tick` (`counts` only when it counted). Errors (the store down) are logged and retried
/// on the next tick. Thread-safe.
class Scheduler {
 public:
  struct Tick {
    std::vector<Job> admitted;
    std::vector<Finished> finished;
    std::optional<JobCounts> counts;
  };

  Scheduler(JobRepository& jobs, double capacity, std::chrono::milliseconds interval, std::function<void(const Tick&)> on_tick);
  ~Scheduler();

  void start();
  void stop();
  /// Something may have freed CPUs (a job finished or was cancelled): admit now.
  void wake();
  /// A job was queued: admit now, unless the capacity is used up (then only a job that ends
  /// can make room, and its wake() admits), so submissions cost the scheduler nothing.
  void submitted();

 private:
  Tick run_once();

  JobRepository& jobs_;
  double capacity_;
  std::chrono::milliseconds interval_;
  std::function<void(const Tick&)> on_tick_;
  std::atomic<bool> full_{false};  // the last admission found the capacity used up
  std::chrono::steady_clock::time_point last_periodic_{};  // of the worker's thread (or run_once's caller)
  PeriodicWorker worker_;
};

}  // namespace chatdb::orchestrator
