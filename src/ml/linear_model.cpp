#include "ml/linear_model.h"

#include "common/json_parse.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

namespace chatdb::ml {
namespace {

std::string_view kind_of(const LinearModel::Parameters& p) {
  if (p.task == Task::kRegression) return "regression";
  return p.classes == 2 ? "binary" : "multiclass";
}

}  // namespace

LinearModel::LinearModel(Parameters parameters) : p_(std::move(parameters)) {}

Result<Prediction> LinearModel::predict(const float* rows, std::size_t n) const {
  const std::size_t w = width();
  const std::size_t outputs = p_.weights.size();
  Prediction out;
  out.columns = p_.task == Task::kRegression ? 1 : p_.classes;
  out.values.resize(n * out.columns);
  std::vector<double> x(w), z(outputs);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < w; ++j) {
      float v = rows[i * w + j];
      x[j] = std::isnan(v) ? 0.0 : (v - p_.mean[j]) / p_.scale[j];
    }
    for (std::size_t o = 0; o < outputs; ++o) {
      double sum = p_.intercepts[o];
      for (std::size_t j = 0; j < w; ++j) sum += p_.weights[o][j] * x[j];
      z[o] = sum;
    }
    float* row = out.values.data() + i * out.columns;
    if (p_.task == Task::kRegression) {
      row[0] = static_cast<float>(z[0]);
    } else if (outputs == 1) {
      double p = 1.0 / (1.0 + std::exp(-z[0]));
      row[0] = static_cast<float>(1.0 - p);
      row[1] = static_cast<float>(p);
    } else {
      double top = *std::max_element(z.begin(), z.end());
      double total = 0;
      for (double& v : z) total += (v = std::exp(v - top));
      for (std::size_t o = 0; o < outputs; ++o) row[o] = static_cast<float>(z[o] / total);
    }
  }
  return out;
}

Result<std::string> LinearModel::artifact() const {
  nlohmann::json doc = {{"format", "chatdb-linear"},     {"version", 1},           {"kind", kind_of(p_)},
                        {"classes", p_.classes},         {"mean", p_.mean},        {"scale", p_.scale},
                        {"weights", p_.weights},         {"intercepts", p_.intercepts}};
  return doc.dump();
}

Result<std::vector<double>> LinearModel::importance() const {
  std::vector<double> out(width(), 0.0);
  for (const auto& row : p_.weights) {
    for (std::size_t j = 0; j < row.size(); ++j) out[j] += std::fabs(row[j]);
  }
  return out;
}

Result<std::unique_ptr<LinearModel>> LinearModel::load(std::string_view artifact, std::size_t width) {
  const Error bad = Error::invalid("the model artifact is not a chatdb-linear model with " + std::to_string(width) + " inputs");
  auto doc = parse_json_or_discarded(artifact);
  if (doc.is_discarded() || !doc.is_object() || doc.value("format", "") != "chatdb-linear" || doc.value("version", 0) != 1) {
    return bad;
  }
  try {
    Parameters p;
    std::string kind = doc.at("kind").get<std::string>();
    p.task = kind == "regression" ? Task::kRegression : Task::kClassification;
    p.classes = doc.at("classes").get<std::size_t>();
    p.mean = doc.at("mean").get<std::vector<double>>();
    p.scale = doc.at("scale").get<std::vector<double>>();
    p.weights = doc.at("weights").get<std::vector<std::vector<double>>>();
    p.intercepts = doc.at("intercepts").get<std::vector<double>>();
    std::size_t outputs = kind == "multiclass" ? p.classes : 1;
    bool shaped = (kind == "regression" || kind == "binary" || kind == "multiclass") && p.mean.size() == width &&
                  p.scale.size() == width && p.weights.size() == outputs && p.intercepts.size() == outputs &&
                  (kind != "binary" || p.classes == 2) && (kind != "multiclass" || p.classes > 2);
    for (const auto& row : p.weights) shaped = shaped && row.size() == width;
    for (double s : p.scale) shaped = shaped && s > 0;
    if (!shaped) return bad;
    return std::make_unique<LinearModel>(std::move(p));
  } catch (const nlohmann::json::exception&) {
    return bad;
  }
}

}  // namespace chatdb::ml
