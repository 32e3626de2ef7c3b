#pragma once

#include "common/error.h"
#include "ml/linear_trainer.h"
#include "ml/xgboost_trainer.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace chatdb::ml {

/// Everything a training job may tune, with defaults, validated before any data is read.
struct TrainingParams {
  std::string algorithm = "xgboost";  // "xgboost" | "linear"
  double validation_fraction = 0.2;
  int seed = 42;
  std::string categorical_encoding = "auto";  // "auto" | "onehot" | "codes"
  XgboostParams xgboost;
  LinearParams linear;

  /// kInvalidArgument for an unknown algorithm, a `params` that is not an object, an unknown
  /// key (the message lists the accepted ones) or a value out of range.
  static Result<TrainingParams> parse(const std::string& algorithm, const nlohmann::json& params);
  /// The effective values of the chosen algorithm, defaults included.
  nlohmann::json to_json() const;
};

}  // namespace chatdb::ml
