#include "ml/xgboost_trainer.h"

#include "ml/param_reader.h"
#include "ml/xgboost_model.h"

#include <xgboost/c_api.h>

#include <cmath>
#include <limits>
#include <string>

namespace chatdb::ml {
namespace {

// Frees a DMatrix on every path out of train().
class Matrix {
 public:
  Matrix() = default;
  ~Matrix() {
    if (handle_) XGDMatrixFree(handle_);
  }
  Matrix(const Matrix&) = delete;
  Matrix& operator=(const Matrix&) = delete;
  DMatrixHandle* out() { return &handle_; }
  DMatrixHandle get() const { return handle_; }

 private:
  DMatrixHandle handle_ = nullptr;
};

std::string number(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", v);
  return buffer;
}

}  // namespace

Result<XgboostParams> XgboostParams::take(nlohmann::json& params) {
  XgboostParams p;
  ParamReader r(params);
  for (Status s : {r.integer("num_rounds", p.num_rounds, 1, 5000), r.integer("max_depth", p.max_depth, 1, 16),
                   r.number("learning_rate", p.learning_rate, 0.0, 1.0, true), r.number("subsample", p.subsample, 0.0, 1.0, true),
                   r.number("colsample_bytree", p.colsample_bytree, 0.0, 1.0, true),
                   r.number("min_child_weight", p.min_child_weight, 0.0, 1e6), r.number("reg_lambda", p.reg_lambda, 0.0, 1e6),
                   r.number("reg_alpha", p.reg_alpha, 0.0, 1e6), r.integer("max_bin", p.max_bin, 2, 1024)}) {
    if (!s) return s.error();
  }
  return p;
}

nlohmann::json XgboostParams::to_json() const {
  return {{"num_rounds", num_rounds},           {"max_depth", max_depth},     {"learning_rate", learning_rate},
          {"subsample", subsample},             {"colsample_bytree", colsample_bytree},
          {"min_child_weight", min_child_weight}, {"reg_lambda", reg_lambda}, {"reg_alpha", reg_alpha},
          {"max_bin", max_bin}};
}

Result<std::unique_ptr<Model>> XgboostTrainer::train(const TrainingSet& data, Task task, std::size_t classes,
                                                     const XgboostParams& params, const Options& options,
                                                     const RoundCallback& on_round) {
  Matrix train;
  if (XGDMatrixCreateFromMat_omp(data.features, data.rows, data.width, std::numeric_limits<float>::quiet_NaN(), train.out(),
                                 options.threads) != 0) {
    return xgboost_error(ErrorCode::kInternal, "building the training matrix");
  }
  if (XGDMatrixSetFloatInfo(train.get(), "label", data.labels, data.rows) != 0) {
    return xgboost_error(ErrorCode::kInternal, "setting labels");
  }
  BoosterHandle handle = nullptr;
  DMatrixHandle cached[] = {train.get()};
  if (XGBoosterCreate(cached, 1, &handle) != 0) return xgboost_error(ErrorCode::kInternal, "creating a booster");
  auto model = std::make_unique<XgboostModel>(handle, task, classes, data.width);

  std::string objective = task == Task::kRegression ? "reg:squarederror" : classes == 2 ? "binary:logistic" : "multi:softprob";
  std::vector<std::pair<std::string, std::string>> settings = {
      {"objective", objective},
      {"tree_method", "hist"},
      {"nthread", std::to_string(options.threads)},
      {"seed", std::to_string(options.seed)},
      {"verbosity", "0"},
      {"max_depth", std::to_string(params.max_depth)},
      {"eta", number(params.learning_rate)},
      {"subsample", number(params.subsample)},
      {"colsample_bytree", number(params.colsample_bytree)},
      {"min_child_weight", number(params.min_child_weight)},
      {"lambda", number(params.reg_lambda)},
      {"alpha", number(params.reg_alpha)},
      {"max_bin", std::to_string(params.max_bin)},
  };
  if (objective == "multi:softprob") settings.emplace_back("num_class", std::to_string(classes));
  for (const auto& [name, value] : settings) {
    if (XGBoosterSetParam(handle, name.c_str(), value.c_str()) != 0) {
      return xgboost_error(ErrorCode::kInternal, "setting " + name);
    }
  }
  for (int round = 0; round < params.num_rounds; ++round) {
    if (XGBoosterUpdateOneIter(handle, round, train.get()) != 0) {
      return xgboost_error(ErrorCode::kInternal, "training round " + std::to_string(round + 1));
    }
    if (on_round && !on_round(round + 1, params.num_rounds)) {
      return Error::conflict("training stopped after round " + std::to_string(round + 1));
    }
  }
  return std::unique_ptr<Model>(std::move(model));
}

}  // namespace chatdb::ml
