#include "ml/metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace chatdb::ml {
namespace {

constexpr double kUndefined = std::numeric_limits<double>::quiet_NaN();

}  // namespace

double accuracy(const std::vector<int>& truth, const std::vector<int>& predicted) {
  if (truth.empty()) return kUndefined;
  std::size_t right = 0;
  for (std::size_t i = 0; i < truth.size(); ++i) right += truth[i] == predicted[i] ? 1 : 0;
  return static_cast<double>(right) / static_cast<double>(truth.size());
}

double f1_score(const std::vector<int>& truth, const std::vector<int>& predicted, std::size_t k) {
  if (truth.empty()) return kUndefined;
  std::vector<double> tp(k), fp(k), fn(k);
  std::vector<bool> occurs(k);
  for (std::size_t i = 0; i < truth.size(); ++i) {
    auto t = static_cast<std::size_t>(truth[i]);
    auto p = static_cast<std::size_t>(predicted[i]);
    occurs[t] = occurs[p] = true;
    if (t == p) {
      tp[t] += 1;
    } else {
      fp[p] += 1;
      fn[t] += 1;
    }
  }
  auto f1 = [&](std::size_t c) {
    double denominator = 2 * tp[c] + fp[c] + fn[c];
    return denominator == 0 ? 0.0 : 2 * tp[c] / denominator;
  };
  if (k == 2) return f1(1);
  double sum = 0;
  std::size_t classes = 0;
  for (std::size_t c = 0; c < k; ++c) {
    if (!occurs[c]) continue;
    sum += f1(c);
    ++classes;
  }
  return sum / static_cast<double>(classes);
}

double binary_roc_auc(const std::vector<int>& truth, const std::vector<double>& scores) {
  // Mann-Whitney U: the sum of the positives' ranks, with tied scores sharing their mean rank.
  std::vector<std::size_t> order(truth.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] < scores[b]; });
  double positives = 0, rank_sum = 0;
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j < order.size() && scores[order[j]] == scores[order[i]]) ++j;
    double rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2.0;
    for (std::size_t m = i; m < j; ++m) {
      if (truth[order[m]] == 1) {
        positives += 1;
        rank_sum += rank;
      }
    }
    i = j;
  }
  double negatives = static_cast<double>(truth.size()) - positives;
  if (positives == 0 || negatives == 0) return kUndefined;
  return (rank_sum - positives * (positives + 1) / 2.0) / (positives * negatives);
}

double roc_auc(const std::vector<int>& truth, const std::vector<double>& probabilities, std::size_t k) {
  const std::size_t n = truth.size();
  double sum = 0;
  std::size_t counted = 0;
  for (std::size_t c = (k == 2 ? 1 : 0); c < k; ++c) {
    std::vector<int> is_class(n);
    std::vector<double> scores(n);
    for (std::size_t i = 0; i < n; ++i) {
      is_class[i] = truth[i] == static_cast<int>(c) ? 1 : 0;
      scores[i] = probabilities[i * k + c];
    }
    double auc = binary_roc_auc(is_class, scores);
    if (std::isnan(auc)) continue;
    sum += auc;
    ++counted;
  }
  return counted == 0 ? kUndefined : sum / static_cast<double>(counted);
}

double log_loss(const std::vector<int>& truth, const std::vector<double>& probabilities, std::size_t k) {
  if (truth.empty()) return kUndefined;
  constexpr double kEps = 1e-15;
  double sum = 0;
  for (std::size_t i = 0; i < truth.size(); ++i) {
    double p = std::clamp(probabilities[i * k + static_cast<std::size_t>(truth[i])], kEps, 1 - kEps);
    sum -= std::log(p);
  }
  return sum / static_cast<double>(truth.size());
}

double rmse(const std::vector<double>& truth, const std::vector<double>& predicted) {
  if (truth.empty()) return kUndefined;
  double sum = 0;
  for (std::size_t i = 0; i < truth.size(); ++i) sum += (truth[i] - predicted[i]) * (truth[i] - predicted[i]);
  return std::sqrt(sum / static_cast<double>(truth.size()));
}

double mae(const std::vector<double>& truth, const std::vector<double>& predicted) {
  if (truth.empty()) return kUndefined;
  double sum = 0;
  for (std::size_t i = 0; i < truth.size(); ++i) sum += std::fabs(truth[i] - predicted[i]);
  return sum / static_cast<double>(truth.size());
}

double r2_score(const std::vector<double>& truth, const std::vector<double>& predicted) {
  if (truth.empty()) return kUndefined;
  double mean = std::accumulate(truth.begin(), truth.end(), 0.0) / static_cast<double>(truth.size());
  double residual = 0, total = 0;
  for (std::size_t i = 0; i < truth.size(); ++i) {
    residual += (truth[i] - predicted[i]) * (truth[i] - predicted[i]);
    total += (truth[i] - mean) * (truth[i] - mean);
  }
  return total == 0 ? kUndefined : 1.0 - residual / total;
}

}  // namespace chatdb::ml
