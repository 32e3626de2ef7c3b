// Tampered XGBoost artifacts are refused before XGBoost sees them: out-of-range children used
// to crash the process inside libxgboost and cycles to spin a thread forever.

#include "common/json_parse.h"
#include "ml/csv_dataset_reader.h"
#include "ml/serving_model.h"
#include "ml/training_pipeline.h"
#include "ml/xgboost_model.h"
#include "ml/xgboost_model_check.h"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>

namespace chatdb::ml {
namespace {

// Three classes from three numeric columns, deterministic.
TrainedModel trained_model() {
  std::string csv = "a,b,c,label\n";
  for (int i = 0; i < 300; ++i) {
    int a = (i * 37) % 100, b = (i * 11) % 50, c = (i * 7) % 13;
    csv += std::to_string(a) + "," + std::to_string(b) + "," + std::to_string(c) + "," +
           (a < 33 ? "x" : a < 66 ? "y" : "z") + "\n";
  }
  CsvDatasetReader reader;
  EXPECT_TRUE(reader.feed(csv).ok());
  auto dataset = reader.finish();
  EXPECT_TRUE(dataset.ok());
  auto params = TrainingParams::parse("xgboost", {{"num_rounds", 4}, {"max_depth", 3}});
  EXPECT_TRUE(params.ok());
  auto trained = TrainingPipeline::run(*dataset, TrainingRequest{"", "auto", *params, 1}, {});
  EXPECT_TRUE(trained.ok()) << trained.error().message;
  return std::move(trained.value());
}

// The model is trained once for the suite and released in TearDownTestSuite, not left to a
// static destructor: freeing a booster erases its entry from XGBoost's thread_local map of
// prediction buffers, and at exit the main thread's thread_locals are destroyed before
// statics, so a booster freed then writes to freed memory ("free(): invalid pointer").
std::optional<TrainedModel>& suite_model() {
  static std::optional<TrainedModel> trained;
  return trained;
}

const TrainedModel& model() {
  auto& trained = suite_model();
  if (!trained) trained.emplace(trained_model());
  return *trained;
}

class XgboostModelCheck : public ::testing::Test {
 protected:
  static void TearDownTestSuite() { suite_model().reset(); }
};

nlohmann::json& first_tree(nlohmann::json& doc) { return doc["learner"]["gradient_booster"]["model"]["trees"][0]; }

// The trained artifact changed by `tamper`: the check refuses it naming `expected`, and
// loading it fails cleanly instead of crashing or hanging.
void expect_refused(const std::function<void(nlohmann::json&)>& tamper, const std::string& expected) {
  auto doc = parse_json(model().artifact);
  ASSERT_TRUE(doc.ok());
  tamper(*doc);
  auto checked = check_xgboost_model(*doc, 3);
  ASSERT_FALSE(checked.ok()) << "accepted: " << expected;
  EXPECT_EQ(checked.error().code, ErrorCode::kUnprocessable);
  EXPECT_NE(checked.error().message.find(expected), std::string::npos) << checked.error().message;
  auto loaded = XgboostModel::load(doc->dump(), Task::kClassification, 3, 3);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().code, ErrorCode::kInvalidArgument);
  auto at_upload = ServingModel::check_artifact(model().metadata, doc->dump());
  ASSERT_FALSE(at_upload.ok());
  EXPECT_EQ(at_upload.error().code, ErrorCode::kUnprocessable);
}

TEST_F(XgboostModelCheck, AcceptsWhatTheTrainerWrites) {
  auto doc = parse_json(model().artifact);
  ASSERT_TRUE(doc.ok());
  auto shape = check_xgboost_model(*doc, 3);
  ASSERT_TRUE(shape.ok()) << shape.error().message;
  EXPECT_EQ(shape->features, 3u);
  EXPECT_EQ(shape->trees, 12u);  // 4 rounds of 3 classes
  EXPECT_GE(shape->steps_per_row, 12u);
  EXPECT_LE(shape->steps_per_row, 12u * 4);
  EXPECT_TRUE(ServingModel::check_artifact(model().metadata, model().artifact).ok());
  EXPECT_TRUE(ServingModel::load(model().metadata, model().artifact).ok());
}

TEST_F(XgboostModelCheck, RefusesChildrenOutOfRange) {
  expect_refused([](auto& d) { first_tree(d)["left_children"][0] = 1000000; }, "out of range");
  expect_refused([](auto& d) { first_tree(d)["right_children"][0] = -7; }, "out of range");
}

TEST_F(XgboostModelCheck, RefusesCyclesAndSharedChildren) {
  expect_refused([](auto& d) {
    auto& t = first_tree(d);
    std::int64_t child = t["left_children"][0];
    t["left_children"][child] = 0;  // back to the root
    t["right_children"][child] = 0;
  }, "out of range");
  expect_refused([](auto& d) {
    auto& t = first_tree(d);
    std::int64_t child = t["left_children"][0];
    t["left_children"][child] = child;  // to itself
    t["right_children"][child] = child;
  }, "reached twice");
  expect_refused([](auto& d) {
    auto& t = first_tree(d);
    t["right_children"][0] = t["left_children"][0];
  }, "reached twice");
}

TEST_F(XgboostModelCheck, RefusesSplitsOnFeaturesTheModelDoesNotHave) {
  expect_refused([](auto& d) { first_tree(d)["split_indices"][0] = 3; }, "splits on feature 3");
}

TEST_F(XgboostModelCheck, RefusesInconsistentArraysAndAbsurdSizes) {
  expect_refused([](auto& d) { first_tree(d)["base_weights"].erase(0); }, "'base_weights'");
  expect_refused([](auto& d) { first_tree(d)["tree_param"]["num_nodes"] = "99999999999"; }, "'num_nodes'");
  expect_refused([](auto& d) { d["learner"]["learner_model_param"]["num_feature"] = "4"; }, "4 inputs");
  expect_refused([](auto& d) { d["learner"]["gradient_booster"]["model"]["tree_info"][0] = 7; }, "output group");
  expect_refused([](auto& d) { d["learner"]["gradient_booster"]["model"]["gbtree_model_param"]["num_trees"] = "13"; },
                 "'trees'");
  expect_refused([](auto& d) { first_tree(d)["id"] = 5; }, "'id'");
  expect_refused([](auto& d) { d["learner"]["objective"]["name"] = "rank:pairwise"; }, "objective");
}

TEST_F(XgboostModelCheck, ArtifactsThatAreNotJsonAreRefused) {
  EXPECT_EQ(ServingModel::check_artifact(model().metadata, "binf\x01\x02").error().code, ErrorCode::kUnprocessable);
  EXPECT_FALSE(XgboostModel::load("{ \"learner\": 1}", Task::kClassification, 3, 3).ok());
  // Metadata of other algorithms is not the registry's to judge.
  EXPECT_TRUE(ServingModel::check_artifact({{"algorithm", "other"}}, "anything").ok());
}

TEST_F(XgboostModelCheck, PredictionHasADeadline) {
  auto serving = ServingModel::load(model().metadata, model().artifact);
  ASSERT_TRUE(serving.ok()) << serving.error().message;
  nlohmann::json rows = nlohmann::json::array({{{"a", 10}, {"b", 1}, {"c", 2}}});
  auto late = (*serving)->predict(rows, std::chrono::steady_clock::now() - std::chrono::seconds(1));
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, ErrorCode::kTimeout);
  auto in_time = (*serving)->predict(rows, std::chrono::steady_clock::now() + std::chrono::seconds(10));
  ASSERT_TRUE(in_time.ok()) << in_time.error().message;
  EXPECT_EQ((*in_time)["predictions"][0], "x");
}

}  // namespace
}  // namespace chatdb::ml
