#pragma once

#include "bus/message_bus.h"
#include "http/metrics_registry.h"
#include "ml/dataset_loader.h"
#include "ml/training_pipeline.h"
#include "ml_engine/dependency_wait.h"
#include "ml_engine/job_reporter.h"
#include "ml_engine/orchestrator_client.h"
#include "ml_engine/registry_client.h"
#include "ml_engine/training_job.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <memory>
#include <string>

namespace chatdb::ml_engine {

/// Runs training jobs from the training topic, one message at a time:
/// 1. asks the orchestrator whether the message's attempt is the one it runs now; if the job is
///    finished, cancelled, re-queued or unknown, the message is acknowledged and skipped, so a
///    redelivered finished job is a no-op;
/// 2. publishes "started", then trains (dataset, split, algorithm) while a JobReporter publishes
///    progress and watches for cancellation and the timeout between rounds;
/// 3. registers the model with the registry (idempotent by job id) and uploads its artifact
///    unless the version is already READY, then publishes "succeeded" with the version and
///    metrics. A failure publishes "failed" with a message and `retryable`: dataset and
///    parameter problems are not retryable. A dependency that is down (S3, a data source, the
///    registry) is waited for with a DependencyWait, on a budget of its own that leaves the
///    job's max_retries alone, while the progress events say "waiting for S3: ..."; once that
///    budget is spent the attempt fails, not retryable.
/// handle() returns success only once the final event is published (or the job skipped), so a
/// crash mid-job has the bus deliver the message again. A cancelled attempt publishes nothing.
/// Thread-safe, though the bus calls it from one thread per subscription.
class JobRunner {
 public:
  JobRunner(std::shared_ptr<bus::MessageBus> bus, std::string events_topic, std::shared_ptr<OrchestratorClient> orchestrator,
            std::shared_ptr<RegistryClient> registry, std::shared_ptr<const ml::DatasetLoader> datasets,
            JobReporter::Options reporting, DependencyWait::Options dependency_wait = {});

  void register_metrics(http::MetricsRegistry& registry);
  Status handle(const bus::Message& message);
  /// Cuts a job in progress short at its next chunk or round; handle() then fails so that the
  /// message is delivered again (to this engine after a restart, or to another one).
  void shutdown();

 private:
  /// The attempt's last event ("succeeded" or "failed"), or null when it stopped because the
  /// orchestrator no longer runs it.
  nlohmann::json run(const TrainingJob& job);
  /// Reads the dataset and trains on it; the rows are released on return.
  Result<ml::TrainedModel> train(const TrainingJob& job, const ml::TrainingParams& params, JobReporter& reporter,
                                 DependencyWait& dependencies);
  void count(const std::string& outcome, double seconds);

  std::shared_ptr<bus::MessageBus> bus_;
  std::string events_topic_;
  std::shared_ptr<OrchestratorClient> orchestrator_;
  std::shared_ptr<RegistryClient> registry_;
  std::shared_ptr<const ml::DatasetLoader> datasets_;
  JobReporter::Options reporting_;
  DependencyWait::Options dependency_wait_;
  std::atomic<bool> shutting_down_{false};
  http::Family<http::Counter>* jobs_ = nullptr;
  http::Family<http::Histogram>* seconds_ = nullptr;
};

}  // namespace chatdb::ml_engine
