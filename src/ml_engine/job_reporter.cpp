#include "ml_engine/job_reporter.h"

#include "common/logger.h"
#include "common/time.h"

#include <algorithm>

namespace chatdb::ml_engine {

std::string job_event(const std::string& job_id, std::int64_t attempt, const std::string& type, double progress,
                      nlohmann::json extra) {
  nlohmann::json event = {{"job_id", job_id}, {"attempt", attempt}, {"type", type}, {"progress", progress}, {"at", unix_millis()}};
  event.update(extra);
  return event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

JobReporter::JobReporter(std::shared_ptr<bus::MessageBus> bus, std::string topic, std::shared_ptr<OrchestratorClient> orchestrator,
                         std::string job_id, std::int64_t attempt, std::chrono::seconds timeout, Options options)
    : bus_(std::move(bus)),
      topic_(std::move(topic)),
      orchestrator_(std::move(orchestrator)),
      job_id_(std::move(job_id)),
      attempt_(attempt),
      deadline_(std::chrono::steady_clock::now() + timeout),
      options_(options),
      thread_([this] { run(); }) {}

JobReporter::~JobReporter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void JobReporter::progress(double fraction, std::optional<int> round) {
  std::lock_guard lock(mutex_);
  progress_ = std::clamp(fraction, 0.0, 1.0);
  round_ = round;
  changed_ = true;
}

void JobReporter::note(const std::string& message) {
  std::lock_guard lock(mutex_);
  if (message == message_) return;
  message_ = message;
  message_changed_ = true;
  changed_ = true;
}

std::optional<JobReporter::Stop> JobReporter::stop_reason() const {
  std::lock_guard lock(mutex_);
  return stop_;
}

void JobReporter::check_status() {
  auto state = orchestrator_->job(job_id_);
  if (!state) return;  // the orchestrator is unreachable: keep training; the next check may tell
  if (state->has_value() && (*state)->runs(attempt_)) return;
  std::string status = state->has_value() ? (*state)->status : "unknown";
  std::lock_guard lock(mutex_);
  if (!stop_) stop_ = Stop{false, "the orchestrator no longer runs attempt " + std::to_string(attempt_) + " (job is " + status + ")"};
}

void JobReporter::run() {
  using clock = std::chrono::steady_clock;
  auto last_event = clock::now();
  auto last_check = clock::now();
  const auto tick = std::min(options_.progress_interval, options_.status_interval);
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, tick);
    if (stopping_) break;
    auto now = clock::now();
    if (now >= deadline_ && !stop_) stop_ = Stop{true, "timed out: the attempt ran longer than the job's timeout_s"};
    bool due = now - last_event >= options_.progress_interval && (changed_ || now - last_event >= options_.heartbeat_interval);
    bool check = now - last_check >= options_.status_interval;
    if (!due && !check) continue;
    nlohmann::json extra = nlohmann::json::object();
    if (round_) extra["round"] = *round_;
    if (due && (message_changed_ || !message_.empty())) {
      extra["message"] = message_;
      message_changed_ = false;
    }
    double progress = progress_;
    changed_ = changed_ && !due;
    lock.unlock();
    if (due) {
      last_event = now;
      Status s = bus_->publish(topic_, job_id_, job_event(job_id_, attempt_, "progress", progress, extra));
      if (!s) Logger::warn("progress event not published", {{"job_id", job_id_}, {"error", s.error().message}});
    }
    if (check) {
      last_check = now;
      check_status();
    }
    lock.lock();
  }
}

}  // namespace chatdb::ml_engine
