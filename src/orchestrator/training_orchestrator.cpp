#include "orchestrator/training_orchestrator.h"

#include "common/logger.h"
#include "http/problem.h"
#include "outbox/outbox.h"

#include <charconv>

namespace chatdb::orchestrator {
namespace {

Result<std::int64_t> query_int(const http::Request& r, const std::string& name, std::int64_t fallback, std::int64_t min,
                               std::int64_t max) {
  auto it = r.query.find(name);
  if (it == r.query.end()) return fallback;
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
  if (ec != std::errc() || end != it->second.data() + it->second.size() || v < min || v > max) {
    return Error::invalid(name + " must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
  }
  return v;
}

http::Response job_response(const JobView& v, int status) {
  return http::Response::json(v.job.to_json(v.queue_position), status);
}

}  // namespace

TrainingOrchestrator::TrainingOrchestrator(std::shared_ptr<metadata::MetadataStore> store,
                                           std::shared_ptr<bus::MessageBus> bus, OrchestratorOptions options)
    : store_(std::move(store)),
      bus_(std::move(bus)),
      options_(options),
      jobs_(*store_, options_.training_topic, options_.policy, options_.clock),
      relay_(*store_, *bus_, outbox::RelayOptions{.service = std::string(kName)}),
      scheduler_(jobs_, options_.cpu_capacity, options_.tick, [this](const Scheduler::Tick& t) { on_tick(t); }) {}

TrainingOrchestrator::~TrainingOrchestrator() { stop(); }

std::string TrainingOrchestrator::summary() const {
  return "Accepts, queues, admits by CPU, tracks, cancels and retries training jobs.";
}

void TrainingOrchestrator::register_metrics(http::MetricsRegistry& m) {
  submitted_ = &m.counter("chatdb_jobs_submitted_total", "Training jobs accepted.").with({});
  finished_[status::kSucceeded] = &m.counter("chatdb_jobs_succeeded_total", "Training jobs that succeeded.").with({});
  finished_[status::kFailed] = &m.counter("chatdb_jobs_failed_total", "Training jobs that failed for good.").with({});
  finished_[status::kCancelled] = &m.counter("chatdb_jobs_cancelled_total", "Training jobs cancelled.").with({});
  by_state_ = &m.gauge("chatdb_jobs", "Training jobs by state.", {"state"});
  queue_depth_ = &m.gauge("chatdb_jobs_queue_depth", "Queued training jobs.").with({});
  running_cpu_ = &m.gauge("chatdb_jobs_running_cpu", "CPUs requested by running training jobs.").with({});
  outbox_pending_ = &m.gauge("chatdb_outbox_pending", "Events committed but not yet published to the bus.").with({});
  duration_ = &m.histogram("chatdb_job_duration_seconds", "Time from a job's first start to its end.", {},
                           {1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200})
                   .with({});
}

void TrainingOrchestrator::mount(http::Router& router) {
  router.add("POST", "/jobs", [this](const http::Request& r) { return submit(r); });
  router.add("GET", "/jobs", [this](const http::Request& r) { return list(r); });
  router.add("GET", "/jobs/{id}", [this](const http::Request& r) {
    auto v = jobs_.get(r.params.at("id"));
    return v.ok() ? job_response(v.value(), 200) : http::problem(v.error());
  });
  router.add("POST", "/jobs/{id}/cancel", [this](const http::Request& r) {
    auto v = jobs_.cancel(r.params.at("id"));
    if (!v.ok()) return http::problem(v.error());
    count_finished({status::kCancelled, 0});
    scheduler_.wake();  // its CPUs are free now
    return job_response(v.value(), 200);
  });
}

http::Response TrainingOrchestrator::submit(const http::Request& r) {
  auto body = r.json_object();
  if (!body.ok()) return http::problem(body.error());
  auto request = JobRequest::parse(body.value(), options_.cpu_capacity);
  if (!request.ok()) return http::problem(request.error());
  std::string key = r.header("idempotency-key");
  if (key.size() > 256) return http::problem(Error::invalid("Idempotency-Key must be at most 256 characters"));
  auto submitted = jobs_.submit(request.value(), key);
  if (!submitted.ok()) return http::problem(submitted.error());
  auto& [view, created] = submitted.value();
  if (created) {
    submitted_->inc();
    scheduler_.submitted();
  }
  http::Response response = job_response(view, 202);
  response.headers.emplace_back("Location", "/api/v1/jobs/" + view.job.id);
  if (!created) response.headers.emplace_back("Idempotent-Replayed", "true");
  return response;
}

http::Response TrainingOrchestrator::list(const http::Request& r) {
  JobFilter filter;
  auto status_it = r.query.find("status");
  if (status_it != r.query.end()) {
    if (!status::is_known(status_it->second)) {
      return http::problem(Error::invalid("status must be queued, running, succeeded, failed or cancelled"));
    }
    filter.status = status_it->second;
  }
  auto model_it = r.query.find("model");
  if (model_it != r.query.end()) filter.model_name = model_it->second;
  auto limit = query_int(r, "limit", 50, 1, 500);
  if (!limit.ok()) return http::problem(limit.error());
  auto offset = query_int(r, "page_token", 0, 0, 1LL << 40);
  if (!offset.ok()) return http::problem(Error::invalid("page_token must be a value from a previous next_page_token"));
  filter.limit = limit.value();
  filter.offset = offset.value();
  auto jobs = jobs_.list(filter);
  if (!jobs.ok()) return http::problem(jobs.error());
  nlohmann::json items = nlohmann::json::array();
  for (const auto& v : jobs.value()) items.push_back(v.job.to_json(v.queue_position));
  nlohmann::json body = {{"jobs", items}};
  if (static_cast<std::int64_t>(jobs->size()) == filter.limit) {
    body["next_page_token"] = std::to_string(filter.offset + filter.limit);
  }
  return http::Response::json(body);
}

nlohmann::json TrainingOrchestrator::describe() const {
  return {{"cpu_capacity", options_.cpu_capacity},
          {"training_topic", options_.training_topic},
          {"job_events_topic", options_.job_events_topic}};
}

std::vector<runtime::Check> TrainingOrchestrator::check_dependencies() {
  Status db = store_->check();
  Status bus = bus_->check();
  return {{"metadata_store", db.ok(), db.ok() ? "" : db.error().message},
          {"message_bus", bus.ok(), bus.ok() ? "" : bus.error().message}};
}

void TrainingOrchestrator::start() {
  events_ = bus_->subscribe(options_.job_events_topic, std::string(kName), [this](const bus::Message& m) -> Status {
    auto event = JobEvent::parse(m.payload);
    if (!event.ok()) {
      // A malformed event can never apply: drop it rather than block the partition.
      Logger::warn("ignoring malformed job event", {{"error", event.error().message}, {"offset", m.offset}});
      return Status::success();
    }
    auto finished = jobs_.apply(event.value());
    if (!finished.ok()) return finished.error();  // the store is down: redelivered later
    if (finished.value()) {
      count_finished(*finished.value());
      scheduler_.wake();
    }
    return Status::success();
  });
  relay_.start();
  scheduler_.start();
}

void TrainingOrchestrator::stop() {
  scheduler_.stop();
  events_.reset();
  relay_.stop();
}

void TrainingOrchestrator::count_finished(const Finished& f) {
  auto it = finished_.find(f.status);
  if (it != finished_.end() && it->second) it->second->inc();
  if (duration_ && f.status != status::kCancelled) duration_->observe(f.seconds);
}

void TrainingOrchestrator::on_tick(const Scheduler::Tick& tick) {
  if (!tick.admitted.empty()) relay_.notify();
  for (const auto& f : tick.finished) count_finished(f);
  if (!tick.counts || !by_state_) return;
  for (const char* s : {status::kQueued, status::kRunning, status::kSucceeded, status::kFailed, status::kCancelled}) {
    auto it = tick.counts->by_status.find(s);
    by_state_->with({s}).set(it == tick.counts->by_status.end() ? 0 : static_cast<double>(it->second));
  }
  auto queued = tick.counts->by_status.find(status::kQueued);
  queue_depth_->set(queued == tick.counts->by_status.end() ? 0 : static_cast<double>(queued->second));
  running_cpu_->set(tick.counts->running_cpu);
  auto pending = outbox::pending(*store_);
  if (pending.ok()) outbox_pending_->set(static_cast<double>(pending.value()));
}

}  // namespace chatdb::orchestrator
