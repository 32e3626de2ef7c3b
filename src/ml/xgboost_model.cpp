#include "ml/xgboost_model.h"

#include "common/json_parse.h"
#include "common/logger.h"
#include "ml/xgboost_model_check.h"

#include <xgboost/c_api.h>

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <regex>
#include <vector>

namespace chatdb::ml {

Error xgboost_error(ErrorCode code, std::string_view doing) {
  // "[10:00:00] /build/xgboost/src/learner.cc:123: MESSAGE\nStack trace: ...": the message
  // alone is for the client; the source path and the stack trace go to the log.
  const std::string full = XGBGetLastError();
  Logger::warn("xgboost failed", {{"doing", std::string(doing)}, {"error", full}});
  static const std::regex located(R"(^\[[^\]]*\]\s*\S+:\d+:\s*)");
  std::string message = std::regex_replace(full.substr(0, full.find('\n')), located, "");
  if (message.find('/') != std::string::npos) message = "see the log";
  return Error{code, "xgboost: " + std::string(doing) + ": " + message, false};
}

XgboostModel::XgboostModel(void* booster, Task task, std::size_t classes, std::size_t width, void* batch_booster)
    : booster_(booster), batch_booster_(batch_booster), task_(task), classes_(classes), width_(width) {}

XgboostModel::~XgboostModel() {
  XGBoosterFree(booster_);
  if (batch_booster_) XGBoosterFree(batch_booster_);
}

Result<std::unique_ptr<XgboostModel>> XgboostModel::load(std::string_view artifact, Task task, std::size_t classes,
                                                          std::size_t width) {
  // XGBoost gets the document that was checked, written anew: nothing it reads differently.
  auto doc = parse_json(artifact);
  if (!doc) return Error::invalid("the model artifact is not an XGBoost JSON model: " + doc.error().message);
  auto shape = check_xgboost_model(*doc, width);
  if (!shape) return Error::invalid(shape.error().message);
  const std::string checked = doc->dump();
  doc->clear();
  BoosterHandle single = nullptr, batch = nullptr;
  if (XGBoosterCreate(nullptr, 0, &single) != 0) return xgboost_error(ErrorCode::kInternal, "creating a booster");
  if (XGBoosterCreate(nullptr, 0, &batch) != 0) {
    XGBoosterFree(single);
    return xgboost_error(ErrorCode::kInternal, "creating a booster");
  }
  auto model = std::make_unique<XgboostModel>(single, task, classes, width, batch);
  model->steps_per_row_ = shape->steps_per_row;
  for (BoosterHandle b : {single, batch}) {
    if (XGBoosterLoadModelFromBuffer(b, checked.data(), checked.size()) != 0) {
      return xgboost_error(ErrorCode::kInvalidArgument, "loading the model artifact");
    }
  }
  // nthread 0 is every core.
  if (XGBoosterSetParam(single, "nthread", "1") != 0 || XGBoosterSetParam(batch, "nthread", "0") != 0) {
    return xgboost_error(ErrorCode::kInternal, "setting threads");
  }
  bst_ulong features = 0;
  if (XGBoosterGetNumFeature(single, &features) != 0) return xgboost_error(ErrorCode::kInvalidArgument, "reading the model");
  if (features != width) {
    return Error::invalid("the model artifact has " + std::to_string(features) + " inputs; its metadata describes " +
                          std::to_string(width));
  }
  // XGBoost configures a booster on its first prediction; do it here, before threads share it.
  for (std::size_t n : {std::size_t{1}, kParallelRows}) {
    std::vector<float> rows(n * width, std::numeric_limits<float>::quiet_NaN());
    if (auto warm = model->predict(rows.data(), n); !warm) return warm.error();
  }
  return model;
}

Result<Prediction> XgboostModel::predict(const float* rows, std::size_t n) const {
  Prediction out;
  out.columns = task_ == Task::kRegression ? 1 : classes_;
  if (n == 0) return out;
  char values[256];
  std::snprintf(values, sizeof values,
                R"({"data": [%ju, true], "shape": [%zu, %zu], "typestr": "<f4", "version": 3})",
                static_cast<std::uintmax_t>(reinterpret_cast<std::uintptr_t>(rows)), n, width_);
  const char* config = R"({"type": 0, "training": false, "iteration_begin": 0, "iteration_end": 0, )"
                       R"("strict_shape": false, "missing": NaN, "cache_id": 0})";
  const bst_ulong* shape = nullptr;
  bst_ulong dimensions = 0;
  const float* result = nullptr;
  BoosterHandle booster = batch_booster_ && n >= kParallelRows ? batch_booster_ : booster_;
  if (XGBoosterPredictFromDense(booster, values, config, nullptr, &shape, &dimensions, &result) != 0) {
    return xgboost_error(ErrorCode::kInternal, "predicting");
  }
  std::size_t produced = 1;
  for (bst_ulong d = 0; d < dimensions; ++d) produced *= shape[d];
  const std::size_t expected = task_ == Task::kClassification && classes_ == 2 ? n : n * out.columns;
  if (produced != expected) {
    return Error::invalid("the model produces " + std::to_string(produced) + " values for " + std::to_string(n) +
                          " rows; its metadata expects " + std::to_string(expected));
  }
  if (task_ == Task::kClassification && classes_ == 2) {
    out.values.resize(2 * n);
    for (std::size_t i = 0; i < n; ++i) {
      out.values[2 * i] = 1.0f - result[i];
      out.values[2 * i + 1] = result[i];
    }
  } else {
    out.values.assign(result, result + n * out.columns);
  }
  return out;
}

Result<std::string> XgboostModel::artifact() const {
  bst_ulong length = 0;
  const char* bytes = nullptr;
  if (XGBoosterSaveModelToBuffer(booster_, R"({"format": "json"})", &length, &bytes) != 0) {
    return xgboost_error(ErrorCode::kInternal, "saving the model");
  }
  return std::string(bytes, length);
}

Result<std::vector<double>> XgboostModel::importance() const {
  bst_ulong count = 0, dimensions = 0;
  const char** names = nullptr;
  const bst_ulong* shape = nullptr;
  const float* scores = nullptr;
  if (XGBoosterFeatureScore(booster_, R"({"importance_type": "total_gain"})", &count, &names, &dimensions, &shape,
                            &scores) != 0) {
    return xgboost_error(ErrorCode::kInternal, "computing feature importance");
  }
  // Without feature names on the booster, XGBoost names input i "f<i>"; unused inputs are absent.
  std::vector<double> out(width_, 0.0);
  for (bst_ulong i = 0; i < count; ++i) {
    std::string_view name = names[i];
    std::size_t index = 0;
    if (name.size() < 2 || name[0] != 'f') continue;
    auto [end, ec] = std::from_chars(name.data() + 1, name.data() + name.size(), index);
    if (ec == std::errc() && end == name.data() + name.size() && index < width_) out[index] = scores[i];
  }
  return out;
}

}  // namespace chatdb::ml
