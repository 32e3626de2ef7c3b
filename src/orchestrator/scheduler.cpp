#include "orchestrator/scheduler.h"

#include "common/logger.h"

#include <nlohmann/json.hpp>

namespace chatdb::orchestrator {

Scheduler::Scheduler(JobRepository& jobs, double capacity, std::chrono::milliseconds interval,
                     std::function<void(const Tick&)> on_tick)
    : jobs_(jobs),
      capacity_(capacity),
      interval_(interval),
      on_tick_(std::move(on_tick)),
      worker_([this] {
        Tick tick = run_once();
        if (on_tick_) on_tick_(tick);
        return PeriodicWorker::Pause{interval_};
      }) {}

Scheduler::~Scheduler() { stop(); }

void Scheduler::start() { worker_.start(); }
void Scheduler::stop() { worker_.stop(); }
void Scheduler::wake() { worker_.wake(); }

void Scheduler::submitted() {
  if (!full_.load()) worker_.wake();
}

Scheduler::Tick Scheduler::run_once() {
  Tick tick;
  // A wake (a submission, a finished job) asks for admission only; leases, timeouts and the
  // gauges are looked at once per interval, however many submissions arrive.
  const auto now = std::chrono::steady_clock::now();
  const bool periodic = now - last_periodic_ >= interval_;
  if (periodic) {
    last_periodic_ = now;
    auto reaped = jobs_.reap();
    if (reaped.ok()) tick.finished = std::move(reaped.value());
    else Logger::warn("scheduler: cannot reap jobs", {{"error", reaped.error().message}});
  }
  bool full = false;
  auto admitted = jobs_.admit(capacity_, &full);
  full_.store(admitted.ok() && full);
  if (admitted.ok()) tick.admitted = std::move(admitted.value());
  else Logger::warn("scheduler: cannot admit jobs", {{"error", admitted.error().message}});
  if (periodic || !tick.admitted.empty()) {
    auto counts = jobs_.counts();
    if (counts.ok()) tick.counts = std::move(counts.value());
  }
  return tick;
}

}  // namespace chatdb::orchestrator
