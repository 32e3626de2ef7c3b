#include "ml_engine/predictor.h"

#include "tracing/span.h"

namespace chatdb::ml_engine {
namespace {

const char* const kUsage =
    "the body is {\"model\": NAME, \"version\": NUMBER or \"alias\": NAME (optional), \"instances\": [{feature: value}, ...]}";

Status check_body(const nlohmann::json& body) {
  for (const auto& [key, _] : body.items()) {
    if (key != "model" && key != "version" && key != "alias" && key != "instances") {
      return Error::invalid("unknown field '" + key + "'; " + kUsage);
    }
  }
  if (!body.contains("model") || !body["model"].is_string() || body["model"].get<std::string>().empty()) {
    return Error::invalid(std::string("'model' must be the name of a registered model; ") + kUsage);
  }
  if (body.contains("version") && body.contains("alias")) return Error::invalid("give 'version' or 'alias', not both");
  if (body.contains("version") && (!body["version"].is_number_integer() || body["version"].get<std::int64_t>() < 1)) {
    return Error::invalid("'version' must be a version number (1, 2, ...)");
  }
  if (body.contains("alias") && (!body["alias"].is_string() || body["alias"].get<std::string>().empty())) {
    return Error::invalid("'alias' must be an alias name such as \"production\"");
  }
  if (!body.contains("instances") || !body["instances"].is_array() || body["instances"].empty()) {
    return Error::invalid(std::string("'instances' must be a non-empty array of objects; ") + kUsage);
  }
  return Status::success();
}

}  // namespace

Predictor::Predictor(std::shared_ptr<RegistryClient> registry, std::shared_ptr<PredictionAudit> audit, std::size_t cache_capacity)
    : registry_(std::move(registry)), audit_(std::move(audit)), cache_(cache_capacity) {}

void Predictor::register_metrics(http::MetricsRegistry& registry) {
  rows_ = &registry.counter("chatdb_ml_predictions_total", "Rows predicted.").with({});
  auto& cache = registry.counter("chatdb_ml_model_cache_lookups_total", "Model cache lookups by result (hit, miss).", {"result"});
  cache_hits_ = &cache.with({"hit"});
  cache_misses_ = &cache.with({"miss"});
  registry.gauge_callback("chatdb_ml_models_loaded", "Models loaded in the cache.", [this] { return static_cast<double>(cache_.size()); });
  registry.gauge_callback("chatdb_ml_prediction_records_dropped", "Prediction batch records not published (bus down or backlog full).",
                          [audit = audit_] { return static_cast<double>(audit->dropped()); });
}

Result<std::shared_ptr<const ml::ServingModel>> Predictor::load(const VersionInfo& version) {
  if (version.status != "READY") {
    return Error::conflict("version " + std::to_string(version.version) + " of model '" + version.name + "' is " + version.status +
                           "; only READY versions serve predictions");
  }
  auto bytes = registry_->artifact(version);
  if (!bytes) return bytes.error();
  auto model = ml::ServingModel::load(version.metadata, *bytes);
  if (!model) {
    return Error::conflict("version " + std::to_string(version.version) + " of model '" + version.name +
                           "' cannot serve predictions: " + model.error().message);
  }
  cache_.put(version.name, version.version, *model);
  return model;
}

Result<std::pair<std::int64_t, std::shared_ptr<const ml::ServingModel>>> Predictor::model_for(const std::string& name,
                                                                                              const nlohmann::json& body) {
  if (body.contains("version")) {
    std::int64_t number = body["version"].get<std::int64_t>();
    if (auto cached = cache_.find(name, number)) {
      if (cache_hits_) cache_hits_->inc();
      return std::make_pair(number, cached);
    }
  }
  Result<VersionInfo> version = body.contains("version") ? registry_->version(name, body["version"].get<std::int64_t>())
                                : body.contains("alias") ? registry_->alias(name, body["alias"].get<std::string>())
                                                         : registry_->latest(name);
  if (!version) return version.error();
  // An alias or "latest" names a version that may be cached already.
  if (auto cached = cache_.find(name, version->version)) {
    if (cache_hits_) cache_hits_->inc();
    return std::make_pair(version->version, cached);
  }
  if (cache_misses_) cache_misses_->inc();
  version->name = name;
  auto model = load(*version);
  if (!model) return model.error();
  return std::make_pair(version->version, *model);
}

Result<nlohmann::json> Predictor::predict(const nlohmann::json& body, const std::string& request_id) {
  if (Status s = check_body(body); !s) return s.error();
  const std::string name = body["model"].get<std::string>();
  std::size_t count = body["instances"].size();
  tracing::Span span("predict");
  span.set("chatdb.model", name).set("chatdb.rows", count);
  tracing::Scope scope(span);
  auto failed = [&span](const Error& e) {
    span.fail(to_string(e.code), e.message);
    return e;
  };
  auto model = model_for(name, body);
  if (!model) return failed(model.error());
  span.set("chatdb.model.version", model->first);
  auto out = model->second->predict(body["instances"], std::chrono::steady_clock::now() + kDeadline);
  if (!out) return failed(out.error());
  if (rows_) rows_->inc(static_cast<double>(count));
  audit_->record(request_id, name, model->first, count);
  nlohmann::json response = std::move(*out);
  response["model"] = name;
  response["version"] = model->first;
  return response;
}

}  // namespace chatdb::ml_engine
