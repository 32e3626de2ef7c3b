#pragma once

#include "common/error.h"

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace chatdb::ml {

/// What a model computes for n rows, row-major: one value per row for regression
/// (columns == 1), or class probabilities (columns == k >= 2, each row sums to 1).
struct Prediction {
  std::size_t columns = 1;
  std::vector<float> values;
};

/// Rows to learn from: row-major features (NaN = missing) and one label per row (the class
/// index, or the value for regression). The pointers are borrowed for the call.
struct TrainingSet {
  const float* features = nullptr;
  const float* labels = nullptr;
  std::size_t rows = 0;
  std::size_t width = 0;
};

/// Called after each round with the rounds done and the total; false stops training.
using RoundCallback = std::function<bool(int done, int total)>;

/// A trained model over `width()` float inputs. Implementations are immutable after
/// construction, and predict() may be called from many threads at once.
class Model {
 public:
  virtual ~Model() = default;

  /// The artifact format: "xgboost-json" or "chatdb-linear-json".
  virtual std::string_view format() const = 0;
  virtual std::size_t width() const = 0;
  /// At most how many elementary steps (tree nodes, multiply-adds) one row's prediction takes:
  /// callers split batches by it to keep each call short.
  virtual std::size_t steps_per_row() const = 0;
  /// `rows` holds n x width() floats; kInternal if the library fails.
  virtual Result<Prediction> predict(const float* rows, std::size_t n) const = 0;
  /// The model in its artifact format, loadable by the matching load().
  virtual Result<std::string> artifact() const = 0;
  /// How much each input contributes, >= 0 (XGBoost: total gain; linear: the absolute
  /// coefficient on the standardized input).
  virtual Result<std::vector<double>> importance() const = 0;
};

}  // namespace chatdb::ml
