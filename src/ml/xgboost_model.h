#pragma once

#include "ml/model.h"
#include "ml/target.h"

#include <memory>
#include <string_view>

namespace chatdb::ml {

/// A gradient-boosted tree model held by XGBoost (C API). Its artifact is XGBoost's own JSON
/// format, which python3-xgboost loads and predicts with identically. The objective decides
/// the output: reg:squarederror (a value), binary:logistic (expanded to two probabilities),
/// multi:softprob (k probabilities). Thread-safe: XGBoost's in-place prediction is.
///
/// A loaded model keeps two boosters: one that predicts on the calling thread, for small
/// batches (many of which run at once on request threads, where OpenMP teams per call would
/// only contend), and one that uses every core, for batches of kParallelRows and more.
class XgboostModel final : public Model {
 public:
  static constexpr std::size_t kParallelRows = 2048;

  /// Takes ownership of a trained booster (an XGBoost BoosterHandle) and, when given, of a
  /// second copy for large batches.
  XgboostModel(void* booster, Task task, std::size_t classes, std::size_t width, void* batch_booster = nullptr);
  ~XgboostModel() override;
  XgboostModel(const XgboostModel&) = delete;
  XgboostModel& operator=(const XgboostModel&) = delete;

  /// Loads an artifact after check_xgboost_model accepted it; kInvalidArgument when the check
  /// or XGBoost refuses it or its input count is not `width`.
  static Result<std::unique_ptr<XgboostModel>> load(std::string_view artifact, Task task, std::size_t classes,
                                                    std::size_t width);

  std::string_view format() const override { return "xgboost-json"; }
  std::size_t width() const override { return width_; }
  std::size_t steps_per_row() const override { return steps_per_row_; }
  Result<Prediction> predict(const float* rows, std::size_t n) const override;
  Result<std::string> artifact() const override;
  Result<std::vector<double>> importance() const override;

 private:
  void* booster_;
  void* batch_booster_;
  Task task_;
  std::size_t classes_;
  std::size_t width_;
  std::size_t steps_per_row_ = 1;
};

/// The last XGBoost error, as an Error of the given code ("xgboost: DOING: MESSAGE"), without
/// its source location and stack trace, which are logged.
Error xgboost_error(ErrorCode code, std::string_view doing);

}  // namespace chatdb::ml
