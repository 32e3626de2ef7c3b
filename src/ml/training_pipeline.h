#pragma once

#include "common/error.h"
#include "ml/dataset.h"
#include "ml/model.h"
#include "ml/target.h"
#include "ml/training_params.h"

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

namespace chatdb::ml {

/// What to train on a dataset.
struct TrainingRequest {
  std::string target;  // empty: "target", else "label", else the last column
  std::string task = "auto";
  TrainingParams params;
  int threads = 1;
};

/// A trained model, its artifact and what a registry records about it.
struct TrainedModel {
  std::unique_ptr<Model> model;
  std::string artifact;
  /// {"algorithm", "format", "task", "target": {...}, "classes"?, "features": [...],
  ///  "ignored_columns": [...], "encoded_features": [...], "metrics": {...}, "params": {...},
  ///  "feature_importance": {feature: share of the total}, "rows": {"train", "validation",
  ///  "missing_target"}, "dataset_sha256", "dataset_bytes", "seconds": {"prepare", "train",
  ///  "evaluate"}}
  nlohmann::json metadata;
  nlohmann::json metrics;
};

/// From a dataset to a trained, evaluated model: picks the target and the task, encodes the
/// features, splits the rows (seeded, stratified for classification; rows without a target
/// value are left out), trains with the chosen algorithm reporting each round, and measures the
/// model on the validation rows (accuracy, F1, ROC AUC and log loss for classification; RMSE,
/// MAE and R2 for regression; a metric undefined for the data is null). Stateless.
class TrainingPipeline {
 public:
  /// Errors: the target's, the encoder's and the split's kInvalidArgument; kConflict when
  /// `on_round` stopped training; kInternal when the library fails.
  static Result<TrainedModel> run(const Dataset& dataset, const TrainingRequest& request, const RoundCallback& on_round);

  /// Metrics of predictions against labels (class indices or values).
  static nlohmann::json evaluate(const Target& target, const Prediction& prediction, const std::vector<float>& labels);
};

}  // namespace chatdb::ml
