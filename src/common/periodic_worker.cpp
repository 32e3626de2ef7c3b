#include "common/periodic_worker.h"

namespace chatdb {

PeriodicWorker::PeriodicWorker(Step step) : step_(std::move(step)) {}

PeriodicWorker::~PeriodicWorker() { stop(); }

void PeriodicWorker::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] {
    while (true) {
      Pause pause = step_();
      std::unique_lock lock(mutex_);
      cv_.wait_for(lock, pause.duration, [&] { return stopping_ || (pause.wakeable && woken_); });
      if (stopping_) return;
      woken_ = false;
    }
  });
}

void PeriodicWorker::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void PeriodicWorker::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  cv_.notify_all();
}

}  // namespace chatdb
