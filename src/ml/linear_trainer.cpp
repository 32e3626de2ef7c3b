#include "ml/linear_trainer.h"

#include "ml/linear_model.h"
#include "ml/param_reader.h"

#include <algorithm>
#include <cmath>

namespace chatdb::ml {
namespace {

// Solves A x = b for a symmetric positive-definite A (row-major w x w) by Cholesky.
std::vector<double> solve_spd(std::vector<double> a, std::vector<double> b, std::size_t w) {
  for (std::size_t j = 0; j < w; ++j) {
    double d = a[j * w + j];
    for (std::size_t k = 0; k < j; ++k) d -= a[j * w + k] * a[j * w + k];
    d = std::sqrt(std::max(d, 1e-12));
    a[j * w + j] = d;
    for (std::size_t i = j + 1; i < w; ++i) {
      double s = a[i * w + j];
      for (std::size_t k = 0; k < j; ++k) s -= a[i * w + k] * a[j * w + k];
      a[i * w + j] = s / d;
    }
  }
  for (std::size_t i = 0; i < w; ++i) {  // L y = b
    for (std::size_t k = 0; k < i; ++k) b[i] -= a[i * w + k] * b[k];
    b[i] /= a[i * w + i];
  }
  for (std::size_t i = w; i-- > 0;) {  // L^T x = y
    for (std::size_t k = i + 1; k < w; ++k) b[i] -= a[k * w + i] * b[k];
    b[i] /= a[i * w + i];
  }
  return b;
}

}  // namespace

Result<LinearParams> LinearParams::take(nlohmann::json& params) {
  LinearParams p;
  ParamReader r(params);
  for (Status s : {r.integer("max_iter", p.max_iter, 1, 10000), r.number("learning_rate", p.learning_rate, 0.0, 10.0, true),
                   r.number("l2", p.l2, 0.0, 1e6)}) {
    if (!s) return s.error();
  }
  return p;
}

nlohmann::json LinearParams::to_json() const {
  return {{"max_iter", max_iter}, {"learning_rate", learning_rate}, {"l2", l2}};
}

Result<std::unique_ptr<Model>> LinearTrainer::train(const TrainingSet& data, Task task, std::size_t classes,
                                                    const LinearParams& params, const RoundCallback& on_round) {
  const std::size_t n = data.rows, w = data.width;
  LinearModel::Parameters m;
  m.task = task;
  m.classes = task == Task::kClassification ? classes : 0;
  m.mean.assign(w, 0.0);
  m.scale.assign(w, 1.0);
  std::vector<double> count(w, 0.0), sum_sq(w, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < w; ++j) {
      float v = data.features[i * w + j];
      if (std::isnan(v)) continue;
      count[j] += 1;
      m.mean[j] += v;
      sum_sq[j] += static_cast<double>(v) * v;
    }
  }
  for (std::size_t j = 0; j < w; ++j) {
    if (count[j] == 0) continue;
    m.mean[j] /= count[j];
    double variance = sum_sq[j] / count[j] - m.mean[j] * m.mean[j];
    if (variance > 1e-12) m.scale[j] = std::sqrt(variance);
  }
  std::vector<float> z(n * w);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < w; ++j) {
      float v = data.features[i * w + j];
      z[i * w + j] = std::isnan(v) ? 0.0f : static_cast<float>((v - m.mean[j]) / m.scale[j]);
    }
  }

  if (task == Task::kRegression) {
    double y_mean = 0;
    for (std::size_t i = 0; i < n; ++i) y_mean += data.labels[i];
    y_mean /= static_cast<double>(n);
    std::vector<double> a(w * w, 0.0), b(w, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
      const float* row = z.data() + i * w;
      double y = data.labels[i] - y_mean;
      for (std::size_t j = 0; j < w; ++j) {
        b[j] += row[j] * y;
        for (std::size_t k = 0; k <= j; ++k) a[j * w + k] += static_cast<double>(row[j]) * row[k];
      }
    }
    for (std::size_t j = 0; j < w; ++j) {
      for (std::size_t k = 0; k <= j; ++k) a[k * w + j] = a[j * w + k] /= static_cast<double>(n);
      a[j * w + j] += std::max(params.l2, 1e-10);
      b[j] /= static_cast<double>(n);
    }
    m.weights = {solve_spd(std::move(a), std::move(b), w)};
    m.intercepts = {y_mean};
    if (on_round && !on_round(1, 1)) return Error::conflict("training stopped after round 1");
    return std::unique_ptr<Model>(std::make_unique<LinearModel>(std::move(m)));
  }

  const std::size_t outputs = classes == 2 ? 1 : classes;
  std::vector<double> prior(classes, 0.0);
  for (std::size_t i = 0; i < n; ++i) prior[static_cast<std::size_t>(data.labels[i])] += 1;
  m.weights.assign(outputs, std::vector<double>(w, 0.0));
  m.intercepts.assign(outputs, 0.0);
  for (std::size_t o = 0; o < outputs; ++o) {
    // Start from the class frequencies, so that the first steps learn from the inputs.
    double p = (prior[outputs == 1 ? 1 : o] + 1.0) / (static_cast<double>(n) + static_cast<double>(classes));
    m.intercepts[o] = outputs == 1 ? std::log(p / (1.0 - p)) : std::log(p);
  }
  std::vector<std::vector<double>> grad(outputs, std::vector<double>(w));
  std::vector<double> grad_b(outputs), logits(outputs);
  for (int round = 0; round < params.max_iter; ++round) {
    for (auto& g : grad) std::fill(g.begin(), g.end(), 0.0);
    std::fill(grad_b.begin(), grad_b.end(), 0.0);
    for (std::size_t i = 0; i < n; ++i) {
      const float* row = z.data() + i * w;
      auto label = static_cast<std::size_t>(data.labels[i]);
      for (std::size_t o = 0; o < outputs; ++o) {
        double s = m.intercepts[o];
        for (std::size_t j = 0; j < w; ++j) s += m.weights[o][j] * row[j];
        logits[o] = s;
      }
      if (outputs == 1) {
        logits[0] = 1.0 / (1.0 + std::exp(-logits[0])) - (label == 1 ? 1.0 : 0.0);
      } else {
        double top = *std::max_element(logits.begin(), logits.end()), total = 0;
        for (double& v : logits) total += (v = std::exp(v - top));
        for (std::size_t o = 0; o < outputs; ++o) logits[o] = logits[o] / total - (o == label ? 1.0 : 0.0);
      }
      for (std::size_t o = 0; o < outputs; ++o) {
        grad_b[o] += logits[o];
        for (std::size_t j = 0; j < w; ++j) grad[o][j] += logits[o] * row[j];
      }
    }
    for (std::size_t o = 0; o < outputs; ++o) {
      m.intercepts[o] -= params.learning_rate * grad_b[o] / static_cast<double>(n);
      for (std::size_t j = 0; j < w; ++j) {
        m.weights[o][j] -= params.learning_rate * (grad[o][j] / static_cast<double>(n) + params.l2 * m.weights[o][j]);
      }
    }
    if (on_round && !on_round(round + 1, params.max_iter)) {
      return Error::conflict("training stopped after round " + std::to_string(round + 1));
    }
  }
  return std::unique_ptr<Model>(std::make_unique<LinearModel>(std::move(m)));
}

}  // namespace chatdb::ml
