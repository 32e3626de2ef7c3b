#include "orchestrator/scheduler.h"

#include "common/logger.h"

#include <nlohmann/json.hpp>

namespace chatdb::orchestrator {

Scheduler::Scheduler(JobRepository& jobs, double capacity, std::chrono::milliseconds interval,
                     std::function<void(const Tick&)> on_tick)
    : jobs_(jobs), capacity_(capacity), interval_(interval), on_tick_(std::move(on_tick)) {}

Scheduler::~Scheduler() { stop(); }

void Scheduler::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] {
    while (true) {
      Tick tick = run_once();
      if (on_tick_) on_tick_(tick);
      std::unique_lock lock(mutex_);
      cv_.wait_for(lock, interval_, [this] { return stopping_ || woken_; });
      if (stopping_) return;
      woken_ = false;
    }
  });
}

void Scheduler::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Scheduler::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  cv_.notify_all();
}

Scheduler::Tick Scheduler::run_once() {
  Tick tick;
  auto reaped = jobs_.reap();
  if (reaped.ok()) tick.finished = std::move(reaped.value());
  else Logger::warn("scheduler: cannot reap jobs", {{"error", reaped.error().message}});
  auto admitted = jobs_.admit(capacity_);
  if (admitted.ok()) tick.admitted = std::move(admitted.value());
  else Logger::warn("scheduler: cannot admit jobs", {{"error", admitted.error().message}});
  auto counts = jobs_.counts();
  if (counts.ok()) tick.counts = std::move(counts.value());
  return tick;
}

}  // namespace chatdb::orchestrator
