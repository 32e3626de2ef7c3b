#pragma once

#include <cstddef>
#include <vector>

namespace chatdb::ml {

/// Model-quality metrics. Classes are indices 0..k-1; probabilities are row-major n x k.
/// A metric that is undefined for its input (an empty input, ROC AUC with one class present,
/// R2 of a constant target) is NaN. Pure functions, safe from any thread.

/// Share of rows whose predicted class is the true one.
double accuracy(const std::vector<int>& truth, const std::vector<int>& predicted);

/// F1 of class 1 when k == 2; otherwise the unweighted mean of the per-class F1 over the classes
/// that occur in `truth` or `predicted` (macro F1, as scikit-learn computes it).
double f1_score(const std::vector<int>& truth, const std::vector<int>& predicted, std::size_t k);

/// Area under the ROC curve of scores for a 0/1 truth (ties count half).
double binary_roc_auc(const std::vector<int>& truth, const std::vector<double>& scores);

/// k == 2: ROC AUC of the class-1 probability; otherwise the mean one-vs-rest AUC over the
/// classes that have both positive and negative rows.
double roc_auc(const std::vector<int>& truth, const std::vector<double>& probabilities, std::size_t k);

/// Mean negative log-likelihood of the true class, probabilities clipped to [1e-15, 1 - 1e-15].
double log_loss(const std::vector<int>& truth, const std::vector<double>& probabilities, std::size_t k);

double rmse(const std::vector<double>& truth, const std::vector<double>& predicted);
double mae(const std::vector<double>& truth, const std::vector<double>& predicted);
/// 1 - SS_res / SS_tot.
double r2_score(const std::vector<double>& truth, const std::vector<double>& predicted);

}  // namespace chatdb::ml
