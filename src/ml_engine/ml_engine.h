#pragma once

#include "bus/message_bus.h"
#include "http/client.h"
#include "ml/dataset_loader.h"
#include "ml_engine/job_reporter.h"
#include "ml_engine/job_runner.h"
#include "ml_engine/predictor.h"
#include "ml_engine/registry_client.h"
#include "runtime/service.h"

#include <cstddef>
#include <memory>
#include <string>

namespace chatdb::ml_engine {

/// What the engine is connected to and how it behaves.
struct MlEngineOptions {
  std::string training_topic = "training_jobs";
  std::string job_events_topic = "job_events";
  std::string prediction_topic = "predictions";
  std::string model_events_topic = "model_events";  // the registry's changes (ModelChanges)
  std::string orchestrator_url;
  std::string registry_url;
  ml::DatasetSources datasets;
  bool demo_datasets = true;  // write the demo datasets under the dataset root at start
  JobReporter::Options reporting;
  DependencyWait::Options dependency_wait;
  std::size_t model_cache_size = 32;
};

/// Trains tabular models from training jobs and serves predictions.
/// - Consumes the training topic in consumer group "ml-engine" (JobRunner), one job at a time
///   on the subscription's thread.
/// - POST /predict (Predictor), with a body limit that fits a 100,000-row batch: JSON in
///   MLflow's layouts, or text/csv with ?model=&version= (ScoringInput).
/// - Consumes the registry's model changes in a consumer group of its own (every replica sees
///   every change), to drop the predictor's cached resolutions.
/// - Every route also under /ml and /api/v1/ml (/ml/predict): the deployment documents' ingress
///   sends /api/v1/ml to this service without rewriting the path.
/// - Ready when the bus and the model registry answer.
/// Thread-safe.
class MlEngine : public runtime::Service {
 public:
  static constexpr std::string_view kName = "ml-engine";
  static constexpr std::size_t kMaxPredictBodyBytes = std::size_t{64} << 20;

  MlEngine(MlEngineOptions options, std::shared_ptr<bus::MessageBus> bus, std::shared_ptr<http::Client> client);

  std::string name() const override { return std::string(kName); }
  std::string summary() const override;
  std::vector<std::string> mount_prefixes() const override { return {"", "/api/v1", "/ml", "/api/v1/ml"}; }
  void register_metrics(http::MetricsRegistry& registry) override;
  void mount(http::Router& router) override;
  nlohmann::json describe() const override;
  std::vector<runtime::Check> check_dependencies() override;
  void start() override;
  void stop() override;

 private:
  MlEngineOptions options_;
  std::shared_ptr<bus::MessageBus> bus_;
  std::shared_ptr<RegistryClient> registry_;
  std::shared_ptr<JobRunner> runner_;
  std::shared_ptr<PredictionAudit> audit_;
  std::unique_ptr<Predictor> predictor_;
  std::unique_ptr<bus::Subscription> subscription_;
  std::unique_ptr<bus::Subscription> model_changes_;
};

}  // namespace chatdb::ml_engine
