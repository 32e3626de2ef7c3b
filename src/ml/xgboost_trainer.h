#pragma once

#include "ml/model.h"
#include "ml/target.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>

namespace chatdb::ml {

/// XGBoost's knobs that a job may set; the names are those of XGBoost's scikit-learn API.
struct XgboostParams {
  int num_rounds = 100;
  int max_depth = 6;
  double learning_rate = 0.3;
  double subsample = 1.0;
  double colsample_bytree = 1.0;
  double min_child_weight = 1.0;
  double reg_lambda = 1.0;
  double reg_alpha = 0.0;
  int max_bin = 256;

  /// Reads the keys it knows from `params` and removes them; kInvalidArgument naming a key
  /// whose value is of the wrong type or out of range.
  static Result<XgboostParams> take(nlohmann::json& params);
  nlohmann::json to_json() const;
};

/// Trains gradient-boosted trees through XGBoost's C API: tree_method=hist, one round per
/// XGBoosterUpdateOneIter so that progress is reported and a stop honoured between rounds.
/// Objectives: reg:squarederror, binary:logistic, multi:softprob. Stateless; each call is
/// independent and may run concurrently with others.
class XgboostTrainer {
 public:
  struct Options {
    int threads = 1;
    std::uint64_t seed = 42;
  };

  /// kConflict "stopped" when `on_round` returned false; kInternal when XGBoost fails.
  static Result<std::unique_ptr<Model>> train(const TrainingSet& data, Task task, std::size_t classes,
                                              const XgboostParams& params, const Options& options,
                                              const RoundCallback& on_round);
};

}  // namespace chatdb::ml
