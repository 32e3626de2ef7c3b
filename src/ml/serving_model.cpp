#include "ml/serving_model.h"

#include "ml/linear_model.h"
#include "ml/xgboost_model.h"

#include <algorithm>

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

Result<nlohmann::json> ServingModel::predict(const nlohmann::json& instances) const {
  auto rows = encoder_.encode_instances(instances, target_.name());
  if (!rows) return rows.error();
  const std::size_t n = instances.size();
  auto prediction = model_->predict(rows->data(), n);
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
