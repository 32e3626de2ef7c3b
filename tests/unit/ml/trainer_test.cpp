#include "tests/support/temp_dir.h"
#include "ml/csv_dataset_reader.h"
#include "ml/demo_datasets.h"
#include "ml/dataset_loader.h"
#include "ml/feature_encoder.h"
#include "ml/linear_model.h"
#include "ml/serving_model.h"
#include "ml/training_pipeline.h"
#include "ml/xgboost_model.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

namespace chatdb::ml {
namespace {

namespace fs = std::filesystem;
using chatdb::testing::TempDir;

Dataset parse(std::string_view text) {
  CsvDatasetReader reader;
  EXPECT_TRUE(reader.feed(text).ok());
  auto d = reader.finish();
  EXPECT_TRUE(d.ok()) << d.error().message;
  return std::move(d.value());
}

// scikit-learn's bundled CSVs start with a line "n_samples,n_features,names..." instead of a
// header; replace it with "f0,...,f<n-1>,target" (or keep the real header that follows it).
Dataset sklearn_csv(const std::string& name, bool has_header_line) {
  std::ifstream in(std::string(CHATDB_SKLEARN_DATA) + "/" + name);
  EXPECT_TRUE(in) << name;
  std::string first;
  std::getline(in, first);
  std::stringstream rest;
  rest << in.rdbuf();
  if (has_header_line) return parse(rest.str());
  int features = std::stoi(first.substr(first.find(',') + 1));
  std::string header;
  for (int i = 0; i < features; ++i) header += "f" + std::to_string(i) + ",";
  return parse(header + "target\n" + rest.str());
}

TrainingRequest request(const std::string& algorithm, nlohmann::json params = nlohmann::json::object(),
                        const std::string& target = "") {
  auto p = TrainingParams::parse(algorithm, params);
  EXPECT_TRUE(p.ok()) << p.error().message;
  return TrainingRequest{target, "auto", p.value(), 2};
}

TEST(TrainingParams, AreValidatedWithTheAcceptedKeys) {
  auto p = TrainingParams::parse("xgboost", {{"num_rounds", 10}, {"learning_rate", 0.1}});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->xgboost.num_rounds, 10);
  EXPECT_EQ(p->to_json()["max_depth"], 6);
  auto unknown = TrainingParams::parse("xgboost", {{"n_estimators", 10}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().message.rfind("unknown parameter 'n_estimators' for xgboost; accepted: validation_fraction, seed, "
                                          "categorical_encoding, ", 0), 0u) << unknown.error().message;
  EXPECT_EQ(TrainingParams::parse("xgboost", {{"max_depth", 0}}).error().message,
            "parameter 'max_depth' must be an integer from 1 to 16; got 0");
  EXPECT_FALSE(TrainingParams::parse("xgboost", {{"learning_rate", "fast"}}).ok());
  EXPECT_FALSE(TrainingParams::parse("linear", {{"num_rounds", 3}}).ok());
  EXPECT_FALSE(TrainingParams::parse("forest", nlohmann::json::object()).ok());
  EXPECT_FALSE(TrainingParams::parse("linear", nlohmann::json::array()).ok());
}

TEST(LinearTrainer, RecoversALinearFunctionInClosedForm) {
  std::string text = "a,b,c,y\n";
  std::mt19937 rng(3);
  for (int i = 0; i < 200; ++i) {
    double a = rng() % 1000 / 10.0, b = rng() % 1000 / 100.0;
    std::string c = i % 2 ? "x" : "z";
    text += std::to_string(a) + "," + std::to_string(b) + "," + c + "," + std::to_string(3 * a - 2 * b + (i % 2 ? 4 : 0) + 5) + "\n";
  }
  auto trained = TrainingPipeline::run(parse(text), request("linear", {{"l2", 0}}), {});
  ASSERT_TRUE(trained.ok()) << trained.error().message;
  EXPECT_EQ(trained->metadata["task"], "regression");
  EXPECT_GT(trained->metrics["r2"].get<double>(), 0.999999);
  EXPECT_LT(trained->metrics["rmse"].get<double>(), 1e-3);
  float row[] = {10.0f, 1.0f, 1.0f, 0.0f};  // a, b, c=x, c=z
  auto p = trained->model->predict(row, 1);
  ASSERT_TRUE(p.ok());
  EXPECT_NEAR(p->values[0], 3 * 10 - 2 * 1 + 4 + 5, 1e-3);
}

TEST(LinearTrainer, LogisticRegressionSeparatesBreastCancer) {
  auto trained = TrainingPipeline::run(sklearn_csv("breast_cancer.csv", false), request("linear"), {});
  ASSERT_TRUE(trained.ok()) << trained.error().message;
  EXPECT_EQ(trained->metadata["task"], "classification");
  EXPECT_GE(trained->metrics["accuracy"].get<double>(), 0.93);
  EXPECT_GT(trained->metrics["roc_auc"].get<double>(), 0.97);
}

TEST(LinearTrainer, SoftmaxOnIrisAndTheArtifactReloads) {
  auto trained = TrainingPipeline::run(sklearn_csv("iris.csv", false), request("linear"), {});
  ASSERT_TRUE(trained.ok());
  EXPECT_EQ(trained->metadata["classes"], nlohmann::json({0, 1, 2}));
  EXPECT_GE(trained->metrics["accuracy"].get<double>(), 0.9);
  auto serving = ServingModel::load(trained->metadata, trained->artifact);
  ASSERT_TRUE(serving.ok()) << serving.error().message;
  auto out = (*serving)->predict(nlohmann::json::parse(R"([{"f0": 5.1, "f1": 3.5, "f2": 1.4, "f3": 0.2}])"),
                                 std::chrono::steady_clock::now() + std::chrono::seconds(10));
  ASSERT_TRUE(out.ok());
  EXPECT_EQ((*out)["predictions"][0], 0);
  EXPECT_EQ((*out)["classes"], nlohmann::json({0, 1, 2}));
  EXPECT_FALSE(LinearModel::load("{\"format\": \"other\"}", 4).ok());
  EXPECT_FALSE(LinearModel::load(trained->artifact, 5).ok());
}

TEST(XgboostTrainer, BreastCancerReachesValidationAccuracyOf93Percent) {
  auto trained = TrainingPipeline::run(sklearn_csv("breast_cancer.csv", false), request("xgboost", {{"num_rounds", 50}}), {});
  ASSERT_TRUE(trained.ok()) << trained.error().message;
  const auto& m = trained->metrics;
  EXPECT_GE(m["accuracy"].get<double>(), 0.93) << m.dump();
  EXPECT_GT(m["f1"].get<double>(), 0.9);
  EXPECT_GT(m["roc_auc"].get<double>(), 0.97);
  EXPECT_LT(m["log_loss"].get<double>(), 0.3);
  // 20% of each class, rounded: 42 of 212 malignant, 71 of 357 benign.
  EXPECT_EQ(trained->metadata["rows"]["validation"], 113);
  EXPECT_EQ(trained->metadata["format"], "xgboost-json");
  double total = 0;
  for (const auto& [name, share] : trained->metadata["feature_importance"].items()) total += share.get<double>();
  EXPECT_NEAR(total, 1.0, 1e-9);
}

TEST(XgboostTrainer, RegressionOnBostonHousingHasASensibleR2) {
  auto d = sklearn_csv("boston_house_prices.csv", true);
  auto trained = TrainingPipeline::run(d, request("xgboost", {{"num_rounds", 60}, {"learning_rate", 0.1}}), {});
  ASSERT_TRUE(trained.ok()) << trained.error().message;
  EXPECT_EQ(trained->metadata["target"]["name"], "MEDV");
  EXPECT_EQ(trained->metadata["task"], "regression");
  EXPECT_GT(trained->metrics["r2"].get<double>(), 0.75) << trained->metrics.dump();
  EXPECT_LT(trained->metrics["mae"].get<double>(), 3.5);
  auto linear = TrainingPipeline::run(d, request("linear"), {});
  ASSERT_TRUE(linear.ok());
  EXPECT_GT(linear->metrics["r2"].get<double>(), 0.6) << linear->metrics.dump();
}

TEST(XgboostTrainer, ReportsEachRoundStopsWhenToldAndIsDeterministic) {
  Dataset d = sklearn_csv("iris.csv", false);
  std::vector<int> rounds;
  auto stopped = TrainingPipeline::run(d, request("xgboost", {{"num_rounds", 20}}), [&](int done, int total) {
    EXPECT_EQ(total, 20);
    rounds.push_back(done);
    return done < 3;
  });
  ASSERT_FALSE(stopped.ok());
  EXPECT_EQ(stopped.error().code, ErrorCode::kConflict);
  EXPECT_EQ(rounds, (std::vector<int>{1, 2, 3}));

  auto a = TrainingPipeline::run(d, request("xgboost", {{"num_rounds", 10}, {"subsample", 0.7}, {"seed", 5}}), {});
  auto b = TrainingPipeline::run(d, request("xgboost", {{"num_rounds", 10}, {"subsample", 0.7}, {"seed", 5}}), {});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->artifact, b->artifact);
  EXPECT_GE(a->metrics["accuracy"].get<double>(), 0.9);
}

TEST(XgboostTrainer, RefusesAnArtifactOfTheWrongWidth) {
  auto trained = TrainingPipeline::run(sklearn_csv("iris.csv", false), request("xgboost", {{"num_rounds", 2}}), {});
  ASSERT_TRUE(trained.ok());
  EXPECT_EQ(XgboostModel::load(trained->artifact, Task::kClassification, 3, 5).error().code, ErrorCode::kInvalidArgument);
  EXPECT_FALSE(XgboostModel::load("not a model", Task::kClassification, 3, 4).ok());
}

// ---- python3-xgboost loads the artifact and predicts exactly what the engine predicts ----

// Writes the model and the rows, has Python predict them, and returns its float32 output.
std::vector<float> python_predictions(const fs::path& dir, const std::string& artifact, const std::vector<float>& rows,
                                      std::size_t width) {
  std::ofstream(dir / "model.json", std::ios::binary) << artifact;
  std::ofstream(dir / "rows.f32", std::ios::binary)
      .write(reinterpret_cast<const char*>(rows.data()), static_cast<std::streamsize>(rows.size() * sizeof(float)));
  std::ofstream(dir / "predict.py") << "import sys, numpy as np, xgboost as xgb\n"
                                       "d = sys.argv[1]\n"
                                       "booster = xgb.Booster()\n"
                                       "booster.load_model(d + '/model.json')\n"
                                       "x = np.fromfile(d + '/rows.f32', dtype=np.float32).reshape(-1, int(sys.argv[2]))\n"
                                       "booster.predict(xgb.DMatrix(x, missing=np.nan)).astype(np.float32).tofile(d + '/out.f32')\n";
  std::string command = std::string(CHATDB_PYTHON) + " " + (dir / "predict.py").string() + " " + dir.string() + " " +
                        std::to_string(width) + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  std::string output;
  char buffer[512];
  while (std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
  EXPECT_EQ(::pclose(pipe), 0) << output;
  std::ifstream in(dir / "out.f32", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<float> values(bytes.size() / sizeof(float));
  std::memcpy(values.data(), bytes.data(), values.size() * sizeof(float));
  return values;
}

void expect_python_agrees(const Dataset& d, const std::string& target_name, std::size_t probability_column) {
  TempDir dir;
  auto trained = TrainingPipeline::run(d, request("xgboost", {{"num_rounds", 30}}, target_name), {});
  ASSERT_TRUE(trained.ok()) << trained.error().message;
  auto encoder = FeatureEncoder::from_json(trained->metadata["features"], trained->metadata["ignored_columns"]);
  ASSERT_TRUE(encoder.ok());
  std::vector<std::size_t> all(d.rows);
  for (std::size_t i = 0; i < d.rows; ++i) all[i] = i;
  std::vector<float> rows = encoder->encode(d, all);
  // Load the artifact afresh, as the serving path does.
  auto target = Target::from_json(trained->metadata["target"]);
  auto model = XgboostModel::load(trained->artifact, target->task(), target->classes().size(), encoder->width());
  ASSERT_TRUE(model.ok()) << model.error().message;
  auto ours = (*model)->predict(rows.data(), d.rows);
  ASSERT_TRUE(ours.ok());
  std::vector<float> theirs = python_predictions(dir.path(), trained->artifact, rows, encoder->width());
  // Python gives P(class 1) for binary:logistic, and all k columns for multi:softprob.
  std::size_t per_row = probability_column == 0 && ours->columns > 2 ? ours->columns : 1;
  ASSERT_EQ(theirs.size(), d.rows * per_row);
  std::size_t differing = 0;
  for (std::size_t i = 0; i < d.rows; ++i) {
    for (std::size_t c = 0; c < per_row; ++c) {
      float mine = ours->values[i * ours->columns + (per_row == 1 ? probability_column : c)];
      differing += mine == theirs[i * per_row + c] ? 0 : 1;
    }
  }
  EXPECT_EQ(differing, 0u) << "of " << theirs.size() << " predictions";
}

TEST(PythonXgboost, PredictsIdenticallyOnABinaryModel) { expect_python_agrees(sklearn_csv("breast_cancer.csv", false), "", 1); }

TEST(PythonXgboost, PredictsIdenticallyOnAMulticlassModel) { expect_python_agrees(sklearn_csv("iris.csv", false), "", 0); }

TEST(PythonXgboost, PredictsIdenticallyWithMissingValuesAndCategories) {
  TempDir dir;
  ASSERT_TRUE(DemoDatasets::ensure(dir.path()).ok());
  auto d = DatasetLoader(DatasetSources{dir.path(), "", "", "", {}, {}}).load("file://demo/churn.csv");
  ASSERT_TRUE(d.ok());
  expect_python_agrees(*d, "churned", 1);
}

TEST(PythonXgboost, PredictsIdenticallyOnARegressionModel) {
  expect_python_agrees(sklearn_csv("boston_house_prices.csv", true), "", 0);
}

}  // namespace
}  // namespace chatdb::ml
