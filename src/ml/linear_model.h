#pragma once

#include "ml/model.h"
#include "ml/target.h"

#include <memory>
#include <string_view>
#include <vector>

namespace chatdb::ml {

/// A linear model on standardized inputs: z = W ((x - mean) / scale) + b, a missing input
/// counting as its mean. Regression outputs z; binary classification sigmoid(z) (one row of W);
/// more classes softmax(z) (one row per class). Its artifact is a small JSON document:
/// {"format": "chatdb-linear", "version": 1, "kind": "regression" | "binary" | "multiclass",
///  "classes", "mean", "scale", "weights": [[...]], "intercepts": [...]}. Immutable; thread-safe.
class LinearModel final : public Model {
 public:
  struct Parameters {
    Task task = Task::kRegression;
    std::size_t classes = 0;  // classification only
    std::vector<double> mean;
    std::vector<double> scale;
    std::vector<std::vector<double>> weights;  // one row per output
    std::vector<double> intercepts;            // one per output
  };

  explicit LinearModel(Parameters parameters);

  /// kInvalidArgument when the artifact is not this format or does not have `width` inputs.
  static Result<std::unique_ptr<LinearModel>> load(std::string_view artifact, std::size_t width);

  std::string_view format() const override { return "chatdb-linear-json"; }
  std::size_t width() const override { return p_.mean.size(); }
  std::size_t steps_per_row() const override { return (p_.weights.size() + 1) * (width() + 1); }
  Result<Prediction> predict(const float* rows, std::size_t n) const override;
  Result<std::string> artifact() const override;
  Result<std::vector<double>> importance() const override;

 private:
  Parameters p_;
};

}  // namespace chatdb::ml
