#pragma once

#include "orchestrator/job_repository.h"

#include "common/periodic_worker.h"

#include <chrono>
#include <functional>

namespace chatdb::orchestrator {

/// The orchestrator's clock: on every tick (and at once when woken) it fails timed-out jobs,
/// retries or fails jobs whose engine went silent, admits queued jobs within the CPU capacity,
/// and reports what it did through `on_tick`. Errors (the store down) are logged and retried
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
  void wake();

 private:
  Tick run_once();

  JobRepository& jobs_;
  double capacity_;
  std::chrono::milliseconds interval_;
  std::function<void(const Tick&)> on_tick_;
  PeriodicWorker worker_;
};

}  // namespace chatdb::orchestrator
