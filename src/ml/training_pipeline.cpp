#include "ml/training_pipeline.h"

#include "ml/data_split.h"
#include "ml/feature_encoder.h"
#include "ml/linear_trainer.h"
#include "ml/metrics.h"
#include "ml/xgboost_trainer.h"
#include "tracing/span.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>

namespace chatdb::ml {
namespace {

nlohmann::json finite_or_null(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); }

std::vector<float> pick(const std::vector<float>& values, const std::vector<std::size_t>& rows) {
  std::vector<float> out;
  out.reserve(rows.size());
  for (auto r : rows) out.push_back(values[r]);
  return out;
}

}  // namespace

nlohmann::json TrainingPipeline::evaluate(const Target& target, const Prediction& prediction, const std::vector<float>& labels) {
  const std::size_t n = labels.size();
  if (target.task() == Task::kRegression) {
    std::vector<double> truth(labels.begin(), labels.end());
    std::vector<double> predicted(prediction.values.begin(), prediction.values.end());
    return {{"rmse", finite_or_null(rmse(truth, predicted))},
            {"mae", finite_or_null(mae(truth, predicted))},
            {"r2", finite_or_null(r2_score(truth, predicted))}};
  }
  const std::size_t k = prediction.columns;
  std::vector<int> truth(n), predicted(n);
  std::vector<double> probabilities(prediction.values.begin(), prediction.values.end());
  for (std::size_t i = 0; i < n; ++i) {
    truth[i] = static_cast<int>(labels[i]);
    const float* row = prediction.values.data() + i * k;
    predicted[i] = static_cast<int>(std::max_element(row, row + k) - row);
  }
  return {{"accuracy", finite_or_null(accuracy(truth, predicted))},
          {"f1", finite_or_null(f1_score(truth, predicted, k))},
          {"roc_auc", finite_or_null(roc_auc(truth, probabilities, k))},
          {"log_loss", finite_or_null(log_loss(truth, probabilities, k))}};
}

Result<TrainedModel> TrainingPipeline::run(const Dataset& dataset, const TrainingRequest& request, const RoundCallback& on_round) {
  auto began = std::chrono::steady_clock::now();
  auto lap = [last = began]() mutable {
    auto now = std::chrono::steady_clock::now();
    double seconds = std::chrono::duration<double>(now - last).count();
    last = now;
    return seconds;
  };
  // One span per phase, children of the caller's (the job's); emplace ends the previous one.
  std::optional<tracing::Span> phase;
  phase.emplace("prepare");
  phase->set("chatdb.dataset.rows", dataset.rows).set("chatdb.dataset.columns", dataset.columns.size());
  auto column = Target::choose_column(dataset, request.target);
  if (!column) return column.error();
  auto target = Target::fit(dataset, *column, request.task);
  if (!target) return target.error();
  auto encoder = FeatureEncoder::fit(dataset, *column, request.params.categorical_encoding);
  if (!encoder) return encoder.error();

  std::vector<float> labels = target->labels(dataset);
  std::vector<std::size_t> rows;
  std::vector<float> row_labels;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (std::isnan(labels[i])) continue;
    rows.push_back(i);
    row_labels.push_back(labels[i]);
  }
  bool classification = target->task() == Task::kClassification;
  auto split = DataSplit::make(rows, row_labels, classification, request.params.validation_fraction,
                               static_cast<std::uint64_t>(request.params.seed));
  if (!split) return split.error();

  std::vector<float> train_x = encoder->encode(dataset, split->train);
  std::vector<float> train_y = pick(labels, split->train);
  TrainingSet train{train_x.data(), train_y.data(), split->train.size(), encoder->width()};
  nlohmann::json timings = {{"prepare", lap()}};
  phase.emplace("train");
  phase->set("chatdb.algorithm", request.params.algorithm).set("chatdb.rows.train", split->train.size());
  std::size_t classes = target->classes().size();
  Result<std::unique_ptr<Model>> model = Error::internal("no algorithm");
  if (request.params.algorithm == "xgboost") {
    model = XgboostTrainer::train(train, target->task(), classes, request.params.xgboost,
                                  {std::max(1, request.threads), static_cast<std::uint64_t>(request.params.seed)}, on_round);
  } else {
    model = LinearTrainer::train(train, target->task(), classes, request.params.linear, on_round);
  }
  if (!model) return model.error();
  timings["train"] = lap();
  train_x = {};
  phase.emplace("evaluate");
  phase->set("chatdb.rows.validation", split->validation.size());

  std::vector<float> valid_x = encoder->encode(dataset, split->validation);
  auto prediction = (*model)->predict(valid_x.data(), split->validation.size());
  if (!prediction) return prediction.error();
  nlohmann::json metrics = evaluate(*target, *prediction, pick(labels, split->validation));

  auto importance = (*model)->importance();
  if (!importance) return importance.error();
  std::vector<double> per_feature(encoder->features().size(), 0.0);
  for (std::size_t i = 0; i < importance->size(); ++i) per_feature[encoder->feature_of(i)] += (*importance)[i];
  double total = 0;
  for (double v : per_feature) total += v;
  nlohmann::json feature_importance = nlohmann::json::object();
  for (std::size_t f = 0; f < per_feature.size(); ++f) {
    feature_importance[encoder->features()[f].name] = total > 0 ? per_feature[f] / total : 0.0;
  }

  auto artifact = (*model)->artifact();
  if (!artifact) return artifact.error();
  timings["evaluate"] = lap();
  TrainedModel out;
  out.metrics = metrics;
  out.metadata = {{"algorithm", request.params.algorithm},
                  {"format", (*model)->format()},
                  {"task", to_string(target->task())},
                  {"target", target->to_json()},
                  {"features", encoder->to_json()},
                  {"ignored_columns", encoder->ignored_json()},
                  {"encoded_features", encoder->encoded_names()},
                  {"metrics", metrics},
                  {"params", request.params.to_json()},
                  {"feature_importance", feature_importance},
                  {"rows",
                   {{"train", split->train.size()},
                    {"validation", split->validation.size()},
                    {"missing_target", dataset.rows - rows.size()}}},
                  {"dataset_sha256", dataset.sha256},
                  {"seconds", timings},
                  {"dataset_bytes", dataset.bytes}};
  if (classification) {
    nlohmann::json values = nlohmann::json::array();
    for (std::size_t k = 0; k < classes; ++k) values.push_back(target->class_value(k));
    out.metadata["classes"] = std::move(values);
  }
  out.artifact = std::move(artifact.value());
  out.model = std::move(model.value());
  return out;
}

}  // namespace chatdb::ml
