#include "ml_engine/job_runner.h"

#include "common/logger.h"
#include "common/time.h"
#include "ml/training_pipeline.h"
#include "tracing/span.h"

#include <chrono>

namespace chatdb::ml_engine {
namespace {

// Shares of the progress bar: reading the dataset, the training rounds, registering.
constexpr double kLoaded = 0.1;
constexpr double kTrained = 0.9;
constexpr double kRegistering = 0.95;
// The attempt was cut short by shutdown(): no event; the bus delivers the message again.
constexpr const char* kInterrupted = "interrupted";

nlohmann::json failed(const Error& error) {
  return {{"type", "failed"}, {"error", error.message}, {"retryable", error.retryable}};
}

}  // namespace

JobRunner::JobRunner(std::shared_ptr<bus::MessageBus> bus, std::string events_topic,
                     std::shared_ptr<OrchestratorClient> orchestrator, std::shared_ptr<RegistryClient> registry,
                     std::shared_ptr<const ml::DatasetLoader> datasets, JobReporter::Options reporting,
                     DependencyWait::Options dependency_wait)
    : bus_(std::move(bus)),
      events_topic_(std::move(events_topic)),
      orchestrator_(std::move(orchestrator)),
      registry_(std::move(registry)),
      datasets_(std::move(datasets)),
      reporting_(reporting),
      dependency_wait_(dependency_wait) {}

void JobRunner::register_metrics(http::MetricsRegistry& registry) {
  jobs_ = &registry.counter("chatdb_ml_training_jobs_total",
                            "Training messages handled, by outcome (succeeded, failed, stopped, skipped, malformed).",
                            {"outcome"});
  seconds_ = &registry.histogram("chatdb_ml_training_duration_seconds", "Time from a job's start to its last event.", {},
                                 {1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600});
}

void JobRunner::count(const std::string& outcome, double seconds) {
  if (!jobs_) return;
  jobs_->with({outcome}).inc();
  if (seconds > 0) seconds_->with({}).observe(seconds);
}

void JobRunner::shutdown() { shutting_down_ = true; }

Status JobRunner::handle(const bus::Message& message) {
  auto job = TrainingJob::parse(message.payload);
  if (!job) {
    // Delivering it again cannot make it readable; the orchestrator's lease retries the job.
    Logger::error("training message dropped", {{"error", job.error().message}, {"key", message.key}});
    count("malformed", 0);
    return Status::success();
  }
  auto state = orchestrator_->job(job->job_id);
  if (!state) return state.error();
  if (!state->has_value() || !(*state)->runs(job->attempt)) {
    Logger::info("training message skipped", {{"job_id", job->job_id},
                                              {"attempt", job->attempt},
                                              {"status", state->has_value() ? (*state)->status : "unknown"}});
    count("skipped", 0);
    return Status::success();
  }
  if (Status s = bus_->publish(events_topic_, job->job_id, job_event(job->job_id, job->attempt, "started", 0)); !s) return s;
  Logger::info("training started", {{"job_id", job->job_id}, {"attempt", job->attempt}, {"model", job->model_name},
                                    {"dataset", job->dataset_location}, {"algorithm", job->algorithm}, {"threads", job->threads()}});
  auto started = std::chrono::steady_clock::now();
  tracing::Span span("training job");
  span.set("chatdb.job_id", job->job_id).set("chatdb.attempt", job->attempt).set("chatdb.model", job->model_name);
  span.set("chatdb.algorithm", job->algorithm);
  nlohmann::json last;
  {
    tracing::Scope scope(span);
    last = run(*job);
  }
  if (last.is_object() && last.value("type", "") == "failed") span.fail("failed", last.value("error", ""));
  span.end();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (last.is_null()) {
    count("stopped", seconds);
    return Status::success();
  }
  std::string type = last["type"];
  if (type == kInterrupted) {
    Logger::info("training interrupted by shutdown", {{"job_id", job->job_id}, {"attempt", job->attempt}});
    return Error::unavailable("the engine is shutting down; job " + job->job_id + " will be delivered again");
  }
  double progress = type == "succeeded" ? 1.0 : 0.0;
  last.erase("type");
  if (Status s = bus_->publish(events_topic_, job->job_id, job_event(job->job_id, job->attempt, type, progress, last)); !s) return s;
  Logger::info("training " + type, {{"job_id", job->job_id}, {"attempt", job->attempt}, {"seconds", seconds}, {"event", last}});
  count(type, seconds);
  return Status::success();
}

Result<ml::TrainedModel> JobRunner::train(const TrainingJob& job, const ml::TrainingParams& params, JobReporter& reporter,
                                          DependencyWait& dependencies) {
  auto started = std::chrono::steady_clock::now();
  tracing::Span load("load");
  load.set("chatdb.dataset.scheme", job.dataset_location.substr(0, job.dataset_location.find("://")));
  auto dataset = [&] {
    tracing::Scope scope(load);
    return dependencies.run<ml::Dataset>(dataset_dependency(job.dataset_location), [&] {
      return datasets_->load(job.dataset_location, [&]() -> Status {
        return reporter.stop_reason() || shutting_down_ ? Status(Error::conflict("stopped")) : Status::success();
      });
    });
  }();
  if (!dataset) {
    load.fail(to_string(dataset.error().code), dataset.error().message);
    return dataset.error();
  }
  load.set("chatdb.dataset.rows", dataset->rows).set("chatdb.dataset.bytes", dataset->bytes);
  load.end();
  double load_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  reporter.progress(kLoaded);
  ml::TrainingRequest request{job.target, job.task, params, job.threads()};
  auto trained = ml::TrainingPipeline::run(*dataset, request, [&](int done, int total) {
    reporter.progress(kLoaded + (kTrained - kLoaded) * done / total, done);
    return !reporter.stop_reason() && !shutting_down_;
  });
  if (trained) trained->metadata["seconds"]["load"] = load_seconds;
  return trained;
}

nlohmann::json JobRunner::run(const TrainingJob& job) {
  auto params = ml::TrainingParams::parse(job.algorithm, job.params);
  if (!params) return failed(params.error());
  auto started = std::chrono::steady_clock::now();
  JobReporter reporter(bus_, events_topic_, orchestrator_, job.job_id, job.attempt, std::chrono::seconds(job.timeout_s), reporting_);
  // What to do when told to stop: a timeout fails the attempt; a shutdown leaves the message to
  // be delivered again; otherwise the orchestrator has already settled it: nothing to report.
  auto stopped = [&]() -> std::optional<nlohmann::json> {
    if (shutting_down_) return nlohmann::json{{"type", kInterrupted}};
    auto stop = reporter.stop_reason();
    if (!stop) return std::nullopt;
    Logger::info("training stopped", {{"job_id", job.job_id}, {"attempt", job.attempt}, {"reason", stop->reason}});
    if (stop->timed_out) return failed(Error{ErrorCode::kTimeout, "timed out after " + std::to_string(job.timeout_s) + " s", false});
    return nlohmann::json();
  };

  DependencyWait dependencies(
      dependency_wait_, [&](const std::string& message) { reporter.note(message); },
      [&] { return shutting_down_ || reporter.stop_reason().has_value(); });
  auto trained = train(job, *params, reporter, dependencies);
  if (auto s = stopped()) return *s;
  if (!trained) return failed(trained.error());
  reporter.progress(kRegistering);

  nlohmann::json metadata = trained->metadata;
  metadata["dataset_location"] = job.dataset_location;
  metadata["job_id"] = job.job_id;
  metadata["attempt"] = job.attempt;
  metadata["threads"] = job.threads();
  metadata["training_seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const std::string registry = "the model registry";
  tracing::Span registering("register");
  registering.set("chatdb.model", job.model_name);
  // A step that failed while the attempt was told to stop (waiting for the registry) reports the stop.
  auto version = [&] {
    tracing::Scope scope(registering);
    return dependencies.run<VersionInfo>(registry, [&] { return registry_->register_version(job.model_name, job.job_id, metadata); });
  }();
  if (!version) {
    registering.fail(to_string(version.error().code), version.error().message);
    return stopped().value_or(failed(version.error()));
  }
  registering.set("chatdb.model.version", version->version);
  registering.end();
  if (version->status != "READY") {
    tracing::Span upload("upload");
    upload.set("chatdb.model", job.model_name).set("chatdb.model.version", version->version);
    upload.set("chatdb.artifact.bytes", trained->artifact.size());
    tracing::Scope scope(upload);
    auto uploaded = dependencies.run<VersionInfo>(
        registry, [&] { return registry_->upload_artifact(job.model_name, version->version, trained->artifact); });
    if (!uploaded) {
      upload.fail(to_string(uploaded.error().code), uploaded.error().message);
      return stopped().value_or(failed(uploaded.error()));
    }
  }
  return {{"type", "succeeded"}, {"model_version", version->version}, {"metrics", trained->metrics}};
}

}  // namespace chatdb::ml_engine
