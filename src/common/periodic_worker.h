#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace chatdb {

/// A thread that runs a step again and again until stopped. After each run it sleeps for the
/// pause the step returns; wake() cuts the pause short unless the step asked to sleep through
/// it (a backoff after a failure). Declare it after the members its step uses, so that it stops
/// first. Thread-safe; stop() waits for the step in progress and is idempotent.
class PeriodicWorker {
 public:
  struct Pause {
    std::chrono::milliseconds duration;
    bool wakeable = true;
  };
  using Step = std::function<Pause()>;

  explicit PeriodicWorker(Step step);
  ~PeriodicWorker();
  PeriodicWorker(const PeriodicWorker&) = delete;
  PeriodicWorker& operator=(const PeriodicWorker&) = delete;

  void start();
  void stop();
  void wake();

 private:
  Step step_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool woken_ = false;
  std::thread thread_;
};

}  // namespace chatdb
