#pragma once

#include "http/metrics_registry.h"
#include "ml_engine/model_cache.h"
#include "ml_engine/prediction_audit.h"
#include "ml_engine/registry_client.h"
#include "ml_engine/resolution_cache.h"
#include "ml_engine/scoring_input.h"

#include <chrono>
#include <memory>
#include <string>

namespace chatdb::ml_engine {

/// Serves predictions of registered models: POST /predict's logic.
///
/// A request (ScoringInput) names a model and a version, an alias, or neither (the newest READY
/// version). What that reference names is asked of the registry once and then kept in a
/// ResolutionCache (fresh for `resolution_ttl`, dropped at once by the registry's change
/// events, on_model_change); while the registry cannot be reached, the last resolution is
/// used. A version not yet loaded is fetched with its artifact, checked against its SHA-256,
/// loaded and kept in the ModelCache. The rows go straight from the request into the model's
/// feature matrix. Answers the response body {"model", "version", "predictions",
/// "probabilities"?, "classes"?}; each batch is recorded on the audit. Errors: bad rows
/// kInvalidArgument naming them; an unknown model, version or alias kNotFound; a version that
/// is not READY kConflict; the registry down (and nothing resolved before) kUnavailable.
/// Thread-safe.
class Predictor {
 public:
  /// A batch still predicting after this long is abandoned with kTimeout (504).
  static constexpr std::chrono::seconds kDeadline{30};
  static constexpr std::chrono::milliseconds kResolutionTtl{2000};

  Predictor(std::shared_ptr<RegistryClient> registry, std::shared_ptr<PredictionAudit> audit, std::size_t cache_capacity,
            std::chrono::milliseconds resolution_ttl = kResolutionTtl);

  void register_metrics(http::MetricsRegistry& registry);
  Result<std::string> predict(const ScoringInput& input, const std::string& request_id);
  /// A ModelChanges event (its JSON payload): drops the model's resolutions, and a deleted
  /// version's (or model's) loaded models. A malformed event is ignored.
  void on_model_change(const std::string& payload);

 private:
  Result<Resolved> resolve(const ScoringInput& input);
  Result<std::shared_ptr<const ml::ServingModel>> load(const VersionInfo& version);

  std::shared_ptr<RegistryClient> registry_;
  std::shared_ptr<PredictionAudit> audit_;

  ModelCache cache_;
  ResolutionCache resolutions_;
  http::Counter* rows_ = nullptr;
  http::Counter* cache_hits_ = nullptr;
  http::Counter* cache_misses_ = nullptr;
};

}  // namespace chatdb::ml_engine
