#pragma once

#include "ml/model.h"
#include "ml/target.h"

#include <nlohmann/json.hpp>

#include <memory>

namespace chatdb::ml {

/// The knobs of linear and logistic regression.
struct LinearParams {
  int max_iter = 300;          // gradient steps (classification)
  double learning_rate = 0.5;  // step size on standardized inputs (classification)
  double l2 = 1e-4;            // ridge penalty on the weights

  /// Reads the keys it knows from `params` and removes them; kInvalidArgument naming a key
  /// whose value is of the wrong type or out of range.
  static Result<LinearParams> take(nlohmann::json& params);
  nlohmann::json to_json() const;
};

/// Fits a LinearModel on inputs standardized with the training rows' mean and standard
/// deviation (missing inputs count as the mean). Regression: ridge least squares in closed
/// form (one round). Classification: logistic (two classes) or softmax regression by
/// full-batch gradient descent, `max_iter` rounds, starting from the class priors. Stateless.
class LinearTrainer {
 public:
  /// kConflict "stopped" when `on_round` returned false.
  static Result<std::unique_ptr<Model>> train(const TrainingSet& data, Task task, std::size_t classes,
                                              const LinearParams& params, const RoundCallback& on_round);
};

}  // namespace chatdb::ml
