#include "ml_engine/predictor.h"

#include "common/json_parse.h"
#include "common/logger.h"
#include "tracing/span.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace chatdb::ml_engine {
namespace {

constexpr std::size_t kMaxResolutions = 4096;

void append_float(std::string& out, float v) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);
  out.append(buffer, end);
}

// Written directly (not through a JSON document): a 100,000-row answer is most of a batch's
// time otherwise.
std::string response_json(const std::string& model, std::int64_t version, const ml::Target& target, const ml::Prediction& p,
                          std::size_t rows) {
  std::string out;
  out.reserve(64 + rows * (target.task() == ml::Task::kRegression ? 12 : 16 + 12 * p.columns));
  out += "{\"model\":" + nlohmann::json(model).dump() + ",\"version\":" + std::to_string(version) + ",\"predictions\":[";
  if (target.task() == ml::Task::kRegression) {
    for (std::size_t i = 0; i < rows; ++i) {
      if (i) out += ',';
      append_float(out, p.values[i]);
    }
    out += "]}";
    return out;
  }
  const std::size_t k = p.columns;
  std::vector<std::string> labels;
  for (std::size_t c = 0; c < k; ++c) labels.push_back(target.class_value(c).dump());
  for (std::size_t i = 0; i < rows; ++i) {
    const float* row = p.values.data() + i * k;
    if (i) out += ',';
    out += labels[static_cast<std::size_t>(std::max_element(row, row + k) - row)];
  }
  out += "],\"probabilities\":[";
  for (std::size_t i = 0; i < rows; ++i) {
    const float* row = p.values.data() + i * k;
    out += i ? ",[" : "[";
    for (std::size_t c = 0; c < k; ++c) {
      if (c) out += ',';
      append_float(out, row[c]);
    }
    out += ']';
  }
  out += "],\"classes\":[";
  for (std::size_t c = 0; c < k; ++c) out += (c ? "," : "") + labels[c];
  out += "]}";
  return out;
}

}  // namespace

Predictor::Predictor(std::shared_ptr<RegistryClient> registry, std::shared_ptr<PredictionAudit> audit, std::size_t cache_capacity,
                     std::chrono::milliseconds resolution_ttl)
    : registry_(std::move(registry)),
      audit_(std::move(audit)),
      cache_(cache_capacity),
      resolutions_(resolution_ttl, kMaxResolutions) {}

void Predictor::register_metrics(http::MetricsRegistry& registry) {
  rows_ = &registry.counter("chatdb_ml_predictions_total", "Rows predicted.").with({});
  auto& cache = registry.counter("chatdb_ml_model_cache_lookups_total", "Model cache lookups by result (hit, miss).", {"result"});
  cache_hits_ = &cache.with({"hit"});
  cache_misses_ = &cache.with({"miss"});
  registry.gauge_callback("chatdb_ml_models_loaded", "Models loaded in the cache.", [this] { return static_cast<double>(cache_.size()); });
  registry.gauge_callback("chatdb_ml_model_resolutions_cached", "Model references (latest, alias, version) resolved and cached.",
                          [this] { return static_cast<double>(resolutions_.size()); });
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

Result<Resolved> Predictor::resolve(const ScoringInput& input) {
  const std::string& name = input.model();
  const std::string key = ResolutionCache::key(name, input.version(), input.alias());
  if (auto hit = resolutions_.fresh(key)) {
    if (cache_hits_) cache_hits_->inc();
    return std::move(*hit);
  }
  const std::uint64_t generation = resolutions_.generation();
  Result<VersionInfo> version = input.version()        ? registry_->version(name, *input.version())
                                : !input.alias().empty() ? registry_->alias(name, input.alias())
                                                         : registry_->latest(name);
  if (!version) {
    if (version.error().code == ErrorCode::kUnavailable) {
      if (auto last = resolutions_.stale(key)) return std::move(*last);
    }
    return version.error();
  }
  version->name = name;
  auto model = cache_.find(name, version->version);
  if (model && version->status == "READY") {
    if (cache_hits_) cache_hits_->inc();
  } else {
    if (cache_misses_) cache_misses_->inc();
    auto loaded = load(*version);
    if (!loaded) return loaded.error();
    model = std::move(*loaded);
  }
  Resolved resolved{version->version, std::move(model)};
  resolutions_.put(key, resolved, generation);
  return resolved;
}

Result<std::string> Predictor::predict(const ScoringInput& input, const std::string& request_id) {
  tracing::Span span("predict");
  span.set("chatdb.model", input.model());
  tracing::Scope scope(span);
  auto failed = [&span](const Error& e) {
    span.fail(to_string(e.code), e.message);
    return e;
  };
  auto resolved = resolve(input);
  if (!resolved) return failed(resolved.error());
  span.set("chatdb.model.version", resolved->version);
  const ml::ServingModel& model = *resolved->model;
  auto matrix = input.encode(model.encoder(), model.target().name());
  if (!matrix) return failed(matrix.error());
  span.set("chatdb.rows", matrix->rows);
  auto prediction = model.predict_rows(matrix->values.data(), matrix->rows, std::chrono::steady_clock::now() + kDeadline);
  if (!prediction) return failed(prediction.error());
  if (rows_) rows_->inc(static_cast<double>(matrix->rows));
  audit_->record(request_id, input.model(), resolved->version, matrix->rows);
  return response_json(input.model(), resolved->version, model.target(), *prediction, matrix->rows);
}

void Predictor::on_model_change(const std::string& payload) {
  auto event = parse_json_or_discarded(payload);
  if (!event.is_object() || !event.contains("model") || !event["model"].is_string()) {
    Logger::warn("ignoring a malformed model change event", {{"payload", payload.substr(0, 200)}});
    return;
  }
  const std::string model = event["model"].get<std::string>();
  const std::string change = event.value("change", "");
  // Models first: a request that resolves meanwhile asks the registry, which no longer has them.
  if (change == "model_deleted") {
    cache_.erase(model, std::nullopt);
  } else if (change == "version_deleted" && event.contains("version") && event["version"].is_number_integer()) {
    cache_.erase(model, event["version"].get<std::int64_t>());
  }
  resolutions_.invalidate(model);
}

}  // namespace chatdb::ml_engine
