#pragma once

#include "http/metrics_registry.h"
#include "ml_engine/model_cache.h"
#include "ml_engine/prediction_audit.h"
#include "ml_engine/registry_client.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>

namespace chatdb::ml_engine {

/// Serves predictions of registered models: POST /predict's logic.
///
/// The body is {"model", "version"? | "alias"?, "instances": [{feature: value}, ...]}; without
/// a version or alias, the newest READY version. A version number is looked up in the cache
/// first; an alias (and "latest") is resolved with the registry on every call, which is cheap,
/// and the version it names then comes from the cache. A version not yet cached is fetched
/// with its artifact, which is checked against its SHA-256 and loaded.
/// Answers {"model", "version", "predictions", "probabilities"?, "classes"?}; each batch is
/// recorded on the audit. Errors: a malformed body, unknown or missing features and wrongly
/// typed values are kInvalidArgument naming them; an unknown model, version or alias kNotFound;
/// a version that is not READY kConflict; the registry down kUnavailable. Thread-safe.
class Predictor {
 public:
  /// A batch still predicting after this long is abandoned with kTimeout (504).
  static constexpr std::chrono::seconds kDeadline{30};

  Predictor(std::shared_ptr<RegistryClient> registry, std::shared_ptr<PredictionAudit> audit, std::size_t cache_capacity);

  void register_metrics(http::MetricsRegistry& registry);
  Result<nlohmann::json> predict(const nlohmann::json& body, const std::string& request_id);

 private:
  Result<std::pair<std::int64_t, std::shared_ptr<const ml::ServingModel>>> model_for(const std::string& name,
                                                                                     const nlohmann::json& body);
  Result<std::shared_ptr<const ml::ServingModel>> load(const VersionInfo& version);

  std::shared_ptr<RegistryClient> registry_;
  std::shared_ptr<PredictionAudit> audit_;

  ModelCache cache_;
  http::Counter* rows_ = nullptr;
  http::Counter* cache_hits_ = nullptr;
  http::Counter* cache_misses_ = nullptr;
};

}  // namespace chatdb::ml_engine
