#pragma once

#include "common/error.h"
#include "ml/feature_encoder.h"
#include "ml/model.h"
#include "ml/target.h"

#include <nlohmann/json.hpp>

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

  /// `instances`: [{feature: value}] (see FeatureEncoder::encode_instances). Returns
  /// {"predictions": [...]} and, for classification, "probabilities" (one row per instance,
  /// in the order of) "classes". kInvalidArgument for bad instances.
  Result<nlohmann::json> predict(const nlohmann::json& instances) const;

  const FeatureEncoder& encoder() const { return encoder_; }
  const Target& target() const { return target_; }

  ServingModel(FeatureEncoder encoder, Target target, std::unique_ptr<Model> model);

 private:
  FeatureEncoder encoder_;
  Target target_;
  std::unique_ptr<Model> model_;
};

}  // namespace chatdb::ml
