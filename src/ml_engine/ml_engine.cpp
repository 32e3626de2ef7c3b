#include "ml_engine/ml_engine.h"

#include "common/ids.h"
#include "common/logger.h"
#include "http/problem.h"
#include "ml/demo_datasets.h"

namespace chatdb::ml_engine {

MlEngine::MlEngine(MlEngineOptions options, std::shared_ptr<bus::MessageBus> bus, std::shared_ptr<http::Client> client)
    : options_(std::move(options)),
      bus_(std::move(bus)),
      registry_(std::make_shared<RegistryClient>(options_.registry_url, client)),
      runner_(std::make_shared<JobRunner>(bus_, options_.job_events_topic,
                                          std::make_shared<OrchestratorClient>(options_.orchestrator_url, client), registry_,
                                          std::make_shared<const ml::DatasetLoader>(options_.datasets), options_.reporting,
                                          options_.dependency_wait)),
      audit_(std::make_shared<PredictionAudit>(bus_, options_.prediction_topic)),
      predictor_(std::make_unique<Predictor>(registry_, audit_, options_.model_cache_size)) {}

std::string MlEngine::summary() const { return "Trains tabular models from training jobs and serves predictions."; }

void MlEngine::register_metrics(http::MetricsRegistry& registry) {
  runner_->register_metrics(registry);
  predictor_->register_metrics(registry);
}

void MlEngine::mount(http::Router& router) {
  router.add("POST", "/predict", [this](const http::Request& request) {
    const std::string type = request.header("content-type");
    const bool csv = type.rfind("text/csv", 0) == 0;
    // curl -d sends x-www-form-urlencoded by default: accept it when the body is JSON anyway.
    if (!csv && !type.empty() && type.find("json") == std::string::npos && type.rfind("application/x-www-form-urlencoded", 0) != 0) {
      return http::problem(Error{ErrorCode::kUnsupportedMedia,
                                 "send Content-Type: application/json, or text/csv with ?model=NAME (got '" + type + "')", false});
    }
    auto input = csv ? ScoringInput::from_csv(request.body, request.query) : ScoringInput::from_json(request.body);
    if (!input) return http::problem(input.error());
    auto out = predictor_->predict(*input, request.request_id);
    if (!out) return http::problem(out.error());
    return http::Response::text(std::move(*out), "application/json");
  }, http::RouteOptions{kMaxPredictBodyBytes});
}

nlohmann::json MlEngine::describe() const {
  return {{"training_topic", options_.training_topic},
          {"job_events_topic", options_.job_events_topic},
          {"prediction_topic", options_.prediction_topic},
          {"dataset_root", options_.datasets.root.string()},
          {"s3_datasets", !options_.datasets.s3_endpoint.empty()},
          {"algorithms", {"xgboost", "linear"}},
          {"max_dataset_bytes", options_.datasets.limits.max_bytes},
          {"max_dataset_rows", options_.datasets.limits.max_rows}};
}

std::vector<runtime::Check> MlEngine::check_dependencies() {
  Status bus = bus_->check();
  Status registry = registry_->check();
  return {{"bus", bus.ok(), bus.ok() ? "reachable" : bus.error().message},
          {"model-registry", registry.ok(), registry.ok() ? "reachable" : registry.error().message}};
}

void MlEngine::start() {
  if (options_.demo_datasets) {
    if (Status s = ml::DemoDatasets::ensure(options_.datasets.root); !s) {
      Logger::warn("demo datasets not written", {{"root", options_.datasets.root.string()}, {"error", s.error().message}});
    }
  }
  model_changes_ = bus_->subscribe(options_.model_events_topic, std::string(kName) + "-" + new_id(), [this](const bus::Message& m) {
    predictor_->on_model_change(m.payload);
    return Status::success();
  });
  subscription_ = bus_->subscribe(options_.training_topic, std::string(kName),
                                  [runner = runner_](const bus::Message& m) { return runner->handle(m); });
}

void MlEngine::stop() {
  runner_->shutdown();
  subscription_.reset();
  model_changes_.reset();
}

}  // namespace chatdb::ml_engine
