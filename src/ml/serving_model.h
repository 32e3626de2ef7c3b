#pragma once

#include "common/error.h"
#include "ml/feature_encoder.h"
#include "ml/model.h"
#include "ml/target.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <string_view>

namespace chatdb::ml {

/// A registered model ready to predict: its metadata (features, encodings, target) and its
/// loaded artifact. Immutable; predict() may be called from many threads at once.
class ServingModel {
 public:
  /// From the metadata TrainingPipeline wrote and the artifact bytes; kInvalidArgument when
  /// either is malformed or they do not match.
  static Result<std::shared_ptr<const ServingModel>> load(const nlohmann::json& metadata, std::string_view artifact);

  /// Checks an artifact against its version's metadata without loading it, as the registry
  /// does at upload: XGBoost documents with check_xgboost_model, linear ones by reading them.
  /// kUnprocessable naming the problem; artifacts of other algorithms are not checked.
  static Status check_artifact(const nlohmann::json& metadata, std::string_view artifact);

  /// `instances`: [{feature: value}] (see FeatureEncoder::encode_instances). Returns
  /// {"predictions": [...]} and, for classification, "probabilities" (one row per instance,
  /// in the order of) "classes". kInvalidArgument for bad instances; kTimeout when the batch
  /// is not done by `deadline` (checked between slices of about kStepsPerSlice steps).
  Result<nlohmann::json> predict(const nlohmann::json& instances, std::chrono::steady_clock::time_point deadline) const;

  /// The model's output for `n` rows already encoded by encoder() (row-major, width() floats
  /// each); kTimeout as predict().
  Result<Prediction> predict_rows(const float* rows, std::size_t n, std::chrono::steady_clock::time_point deadline) const;

  static constexpr std::size_t kStepsPerSlice = std::size_t{1} << 26;

  const FeatureEncoder& encoder() const { return encoder_; }
  const Target& target() const { return target_; }

  ServingModel(FeatureEncoder encoder, Target target, std::unique_ptr<Model> model);

 private:
  FeatureEncoder encoder_;
  Target target_;
  std::unique_ptr<Model> model_;
};

}  // namespace chatdb::ml
