#include "ml/serving_model.h"

#include "common/json_parse.h"
#include "ml/linear_model.h"
#include "ml/xgboost_model.h"
#include "ml/xgboost_model_check.h"

#include <algorithm>
#include <optional>

namespace chatdb::ml {

ServingModel::ServingModel(FeatureEncoder encoder, Target target, std::unique_ptr<Model> model)
    : encoder_(std::move(encoder)), target_(std::move(target)), model_(std::move(model)) {}

Result<std::shared_ptr<const ServingModel>> ServingModel::load(const nlohmann::json& metadata, std::string_view artifact) {
  if (!metadata.is_object()) return Error::invalid("model metadata is not an object");
  auto target = Target::from_json(metadata.value("target", nlohmann::json()));
  if (!target) return target.error();
  auto encoder = FeatureEncoder::from_json(metadata.value("features", nlohmann::json()),
                                           metadata.value("ignored_columns", nlohmann::json()));
  if (!encoder) return encoder.error();
  std::string algorithm = metadata.value("algorithm", "");
  std::size_t classes = target->classes().size();
  std::unique_ptr<Model> model;
  if (algorithm == "xgboost") {
    auto loaded = XgboostModel::load(artifact, target->task(), classes, encoder->width());
    if (!loaded) return loaded.error();
    model = std::move(loaded.value());
  } else if (algorithm == "linear") {
    auto loaded = LinearModel::load(artifact, encoder->width());
    if (!loaded) return loaded.error();
    model = std::move(loaded.value());
  } else {
    return Error::invalid("model metadata: unknown algorithm '" + algorithm + "'");
  }
  return std::shared_ptr<const ServingModel>(
      std::make_shared<ServingModel>(std::move(encoder.value()), std::move(target.value()), std::move(model)));
}

Status ServingModel::check_artifact(const nlohmann::json& metadata, std::string_view artifact) {
  const std::string algorithm = metadata.is_object() ? metadata.value("algorithm", "") : "";
  if (algorithm != "xgboost" && algorithm != "linear") return Status::success();
  auto encoder = FeatureEncoder::from_json(metadata.value("features", nlohmann::json()),
                                           metadata.value("ignored_columns", nlohmann::json()));
  const std::size_t width = encoder ? encoder->width() : 0;
  if (algorithm == "linear") {
    if (auto loaded = LinearModel::load(artifact, width); !loaded) return Error::unprocessable(loaded.error().message);
    return Status::success();
  }
  auto doc = parse_json(artifact);
  if (!doc) return Error::unprocessable("the model artifact is not an XGBoost JSON model: " + doc.error().message);
  auto shape = check_xgboost_model(*doc, width);
  if (!shape) return shape.error();
  return Status::success();
}

Result<Prediction> ServingModel::predict_rows(const float* rows, std::size_t n,
                                              std::chrono::steady_clock::time_point deadline) const {
  const std::size_t width = model_->width();
  const std::size_t slice = std::max<std::size_t>(1, kStepsPerSlice / std::max<std::size_t>(1, model_->steps_per_row()));
  std::optional<ml::Prediction> prediction;
  for (std::size_t done = 0; done < n; done += slice) {
    if (std::chrono::steady_clock::now() > deadline) {
      return Error::timeout("the prediction of " + std::to_string(n) + " rows did not finish in time; send smaller batches");
    }
    auto part = model_->predict(rows + done * width, std::min(slice, n - done));
    if (!part) return part.error();
    if (!prediction) {
      prediction = std::move(*part);
    } else {
      prediction->values.insert(prediction->values.end(), part->values.begin(), part->values.end());
    }
  }
  if (!prediction) return Prediction{};
  return std::move(*prediction);
}

Result<nlohmann::json> ServingModel::predict(const nlohmann::json& instances,
                                             std::chrono::steady_clock::time_point deadline) const {
  auto rows = encoder_.encode_instances(instances, target_.name());
  if (!rows) return rows.error();
  const std::size_t n = instances.size();
  auto prediction = predict_rows(rows->data(), n, deadline);
  if (!prediction) return prediction.error();
  nlohmann::json predictions = nlohmann::json::array();
  if (target_.task() == Task::kRegression) {
    for (float v : prediction->values) predictions.push_back(v);
    return nlohmann::json{{"predictions", std::move(predictions)}};
  }
  const std::size_t k = prediction->columns;
  std::vector<nlohmann::json> labels;
  for (std::size_t c = 0; c < k; ++c) labels.push_back(target_.class_value(c));
  nlohmann::json probabilities = nlohmann::json::array();
  for (std::size_t i = 0; i < n; ++i) {
    const float* row = prediction->values.data() + i * k;
    predictions.push_back(labels[static_cast<std::size_t>(std::max_element(row, row + k) - row)]);
    probabilities.push_back(std::vector<float>(row, row + k));
  }
  return nlohmann::json{{"predictions", std::move(predictions)}, {"probabilities", std::move(probabilities)}, {"classes", labels}};
}

}  // namespace chatdb::ml
