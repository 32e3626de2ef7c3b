#include "ml/metrics.h"
#include "ml/target.h"
#include "ml/training_pipeline.h"

#include <gtest/gtest.h>

#include <cmath>

namespace chatdb::ml {
namespace {

TEST(Metrics, Accuracy) {
  EXPECT_DOUBLE_EQ(accuracy({0, 1, 1, 0, 1}, {0, 1, 0, 0, 1}), 0.8);
  EXPECT_TRUE(std::isnan(accuracy({}, {})));
}

TEST(Metrics, F1IsThePositiveClassForTwoAndMacroForMore) {
  // tp = 2, fp = 0, fn = 1 for class 1: 2 * 2 / (2 * 2 + 0 + 1).
  EXPECT_DOUBLE_EQ(f1_score({0, 1, 1, 0, 1}, {0, 1, 0, 0, 1}, 2), 0.8);
  // Per class: 0 -> 2/4, 1 -> 4/5, 2 -> 2/3.
  EXPECT_NEAR(f1_score({0, 0, 1, 1, 2, 2}, {0, 1, 1, 1, 2, 0}, 3), (0.5 + 0.8 + 2.0 / 3.0) / 3.0, 1e-12);
  // A class that never occurs (3 of 4) does not drag the mean down.
  EXPECT_NEAR(f1_score({0, 0, 1, 1, 2, 2}, {0, 1, 1, 1, 2, 0}, 4), (0.5 + 0.8 + 2.0 / 3.0) / 3.0, 1e-12);
}

TEST(Metrics, RocAuc) {
  EXPECT_DOUBLE_EQ(binary_roc_auc({0, 0, 1, 1}, {0.1, 0.4, 0.35, 0.8}), 0.75);
  // Tied scores of a positive and a negative count half: (0.5 + 1 + 1 + 1) / 4.
  EXPECT_DOUBLE_EQ(binary_roc_auc({0, 1, 0, 1}, {0.5, 0.5, 0.2, 0.9}), 0.875);
  EXPECT_TRUE(std::isnan(binary_roc_auc({1, 1}, {0.2, 0.3})));
  // Two classes: the AUC of the class-1 column.
  EXPECT_DOUBLE_EQ(roc_auc({0, 0, 1, 1}, {0.9, 0.1, 0.6, 0.4, 0.65, 0.35, 0.2, 0.8}, 2), 0.75);
  // One-vs-rest macro: class 0 -> 1, class 1 -> 2/3, class 2 -> 1.
  std::vector<double> p = {0.7, 0.2, 0.1, 0.2, 0.5, 0.3, 0.1, 0.3, 0.6, 0.3, 0.6, 0.1};
  EXPECT_NEAR(roc_auc({0, 1, 2, 0}, p, 3), (1.0 + 2.0 / 3.0 + 1.0) / 3.0, 1e-12);
}

TEST(Metrics, LogLoss) {
  EXPECT_NEAR(log_loss({1, 0}, {0.2, 0.8, 0.6, 0.4}, 2), -(std::log(0.8) + std::log(0.6)) / 2, 1e-12);
  // A certain wrong answer is clipped, not infinite.
  EXPECT_NEAR(log_loss({0}, {0.0, 1.0}, 2), -std::log(1e-15), 1e-9);
}

TEST(Metrics, Regression) {
  std::vector<double> truth = {3, -0.5, 2, 7}, predicted = {2.5, 0, 2, 8};
  EXPECT_DOUBLE_EQ(rmse(truth, predicted), std::sqrt(0.375));
  EXPECT_DOUBLE_EQ(mae(truth, predicted), 0.5);
  EXPECT_NEAR(r2_score(truth, predicted), 1.0 - 1.5 / 29.1875, 1e-12);
  EXPECT_TRUE(std::isnan(r2_score({2, 2}, {2, 2})));
}

TEST(Metrics, EvaluateReportsAllAndNullsTheUndefined) {
  Dataset d;
  d.columns.push_back(Column{"x", ColumnType::kNumeric, {1, 2}, {}, {}});
  d.columns.push_back(Column{"y", ColumnType::kCategorical, {}, {0, 1}, {"no", "yes"}});
  d.rows = 2;
  auto target = Target::fit(d, 1, "auto");
  ASSERT_TRUE(target.ok());
  Prediction p{2, {0.9f, 0.1f, 0.8f, 0.2f}};
  auto m = TrainingPipeline::evaluate(*target, p, {0.0f, 0.0f});  // only class 0 in truth
  EXPECT_DOUBLE_EQ(m["accuracy"].get<double>(), 1.0);
  EXPECT_TRUE(m["roc_auc"].is_null());
  EXPECT_NEAR(m["log_loss"].get<double>(), -(std::log(0.9f) + std::log(0.8f)) / 2, 1e-6);
}

}  // namespace
}  // namespace chatdb::ml
