// POST /predict's scoring layouts (ScoringInput): every layout of the same rows gives the same
// feature matrix, and bad input is refused with a message naming the row and the feature.

#include "ml_engine/scoring_input.h"

#include <gtest/gtest.h>

#include <cmath>

namespace chatdb::ml_engine {
namespace {

ml::FeatureEncoder encoder() {
  auto e = ml::FeatureEncoder::from_json(
      nlohmann::json::parse(R"([{"name": "age", "type": "numeric", "encoding": "number"},
                                {"name": "plan", "type": "categorical", "encoding": "onehot", "categories": ["basic", "pro"]},
                                {"name": "region", "type": "categorical", "encoding": "codes", "categories": ["east", "west"]}])"),
      nlohmann::json::parse(R"([{"name": "customer_id", "reason": "identifier"}])"));
  EXPECT_TRUE(e.ok()) << e.error().message;
  return std::move(e.value());
}

// Inputs: age, plan=basic, plan=pro, region (codes). Missing is NaN (shown as -1 here).
std::vector<float> matrix_of(const Result<ScoringInput>& input) {
  EXPECT_TRUE(input.ok()) << input.error().message;
  auto m = input->encode(encoder(), "churned");
  EXPECT_TRUE(m.ok()) << m.error().message;
  std::vector<float> out;
  for (float v : m->values) out.push_back(std::isnan(v) ? -1.0f : v);
  return out;
}

const std::vector<float> kExpected = {30, 0, 1, 1, /* row 2 */ -1, 0, 0, 0};

TEST(ScoringInputTest, EveryLayoutGivesTheSameMatrix) {
  EXPECT_EQ(matrix_of(ScoringInput::from_json(R"({"model": "m", "instances": [
      {"age": 30, "plan": "pro", "region": "west", "customer_id": "c1", "churned": "no"},
      {"age": null, "plan": "gold", "region": "east"}]})")), kExpected);
  EXPECT_EQ(matrix_of(ScoringInput::from_json(R"({"model": "m", "dataframe_records": [
      {"age": 30, "plan": "pro", "region": "west"}, {"age": null, "plan": null, "region": "east"}]})")), kExpected);
  EXPECT_EQ(matrix_of(ScoringInput::from_json(R"({"model": "m", "version": 3, "dataframe_split": {
      "index": [7, 8], "columns": ["region", "plan", "age", "customer_id"],
      "data": [["west", "pro", 30, "c1"], ["east", null, null, "c2"]]}})")), kExpected);
  EXPECT_EQ(matrix_of(ScoringInput::from_json(R"({"model": "m", "inputs": {
      "age": [30, null], "plan": ["pro", "unseen"], "region": ["west", "east"]}})")), kExpected);
  EXPECT_EQ(matrix_of(ScoringInput::from_json(R"({"model": "m", "inputs": [
      {"age": 30, "plan": "pro", "region": "west"}, {"age": null, "plan": null, "region": "east"}]})")), kExpected);
  EXPECT_EQ(matrix_of(ScoringInput::from_csv("region,plan,age\r\nwest,pro,30\n\"east\",,\n", {{"model", "m"}, {"version", "2"}})),
            kExpected);
}

TEST(ScoringInputTest, ReadsTheModelAndVersion) {
  auto json = ScoringInput::from_json(R"({"alias": "production", "model": "churn", "instances": [{}]})");
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(json->model(), "churn");
  EXPECT_EQ(json->alias(), "production");
  EXPECT_FALSE(json->version().has_value());
  auto csv = ScoringInput::from_csv("age\n1\n", {{"model", "churn"}, {"version", "4"}});
  ASSERT_TRUE(csv.ok());
  EXPECT_EQ(csv->model(), "churn");
  EXPECT_EQ(csv->version(), 4);
}

std::string refusal(const Result<ScoringInput>& input) {
  if (!input) return input.error().message;
  auto m = input->encode(encoder(), "churned");
  return m ? "accepted" : m.error().message;
}

TEST(ScoringInputTest, BadInputIsRefusedByName) {
  auto json = [](const std::string& body) { return refusal(ScoringInput::from_json(body)); };
  EXPECT_NE(json("{\"model\": \"m\", \"instances\": [").find("not valid JSON"), std::string::npos);
  EXPECT_NE(json("[1]").find("must be a JSON object"), std::string::npos);
  EXPECT_NE(json("{\"model\": \"m\", \"instances\": " + std::string(100, '[') + std::string(100, ']') + "}")
                .find("nested deeper than the limit of 64"),
            std::string::npos);
  EXPECT_NE(json(R"({"model": "m", "instances": [{"age": 1e999}]})").find("number out of range"), std::string::npos);
  EXPECT_NE(json(R"({"instances": [{"age": 1}]})").find("'model' must be the name"), std::string::npos);
  EXPECT_NE(json(R"({"model": "m", "version": "1", "instances": [{}]})").find("'version' must be a version number"), std::string::npos);
  EXPECT_NE(json(R"({"model": "m", "version": 1, "alias": "a", "instances": [{}]})").find("not both"), std::string::npos);
  EXPECT_NE(json(R"({"model": "m", "instances": [{}], "inputs": [{}]})").find("are alternatives"), std::string::npos);
  EXPECT_NE(json(R"({"model": "m", "explain": true, "instances": [{}]})").find("unknown field 'explain'"), std::string::npos);
  EXPECT_NE(json(R"({"model": "m", "instances": []})").find("non-empty array"), std::string::npos);
  EXPECT_EQ(json(R"({"model": "m", "instances": [{"age": 1, "plan": "pro", "region": "east"}, {"age": "old", "plan": "pro", "region": "east"}]})"),
            "instance 1: feature 'age' is numeric; got \"old\" (send a number, or null when missing)");
  EXPECT_EQ(json(R"({"model": "m", "instances": [{"age": 1, "plan": [1], "region": "east"}]})"),
            "instance 0: feature 'plan' is categorical; got [1] (send a string, or null when missing)");
  EXPECT_NE(json(R"({"model": "m", "instances": [{"age": 1, "plan": "pro", "colour": "red"}]})")
                .find("instance 0: unknown feature 'colour'; missing feature 'region';"),
            std::string::npos);
  EXPECT_NE(json(R"({"model": "m", "dataframe_split": {"columns": ["age", "plan", "region"], "data": [[1, "pro"]]}})")
                .find("row 0 of dataframe_split.data must be an array of 3 values"),
            std::string::npos);
  EXPECT_NE(json(R"({"model": "m", "dataframe_split": {"columns": ["age", "age", "plan", "region"], "data": [[1, 1, "pro", "east"]]}})")
                .find("column 'age' appears twice"),
            std::string::npos);
  EXPECT_NE(json(R"({"model": "m", "dataframe_split": {"columns": ["age"], "data": [[1]]}})").find("missing features 'plan', 'region'"),
            std::string::npos);
  EXPECT_NE(json(R"({"model": "m", "inputs": {"age": [1, 2], "plan": ["pro"], "region": ["east", "west"]}})").find("same number"),
            std::string::npos);

  auto csv = [](const std::string& body, std::map<std::string, std::string> query) {
    return refusal(ScoringInput::from_csv(body, query));
  };
  EXPECT_NE(csv("age,plan,region\n1,pro,east\n", {}).find("needs ?model=NAME"), std::string::npos);
  EXPECT_NE(csv("age,plan,region\n1,pro,east\n", {{"model", "m"}, {"version", "x"}}).find("version number"), std::string::npos);
  EXPECT_NE(csv("age,plan,region\n1,pro,east\n", {{"model", "m"}, {"limit", "1"}}).find("unknown query parameter 'limit'"),
            std::string::npos);
  EXPECT_EQ(csv("age,plan,region\n1,pro,east\nold,pro,east\n", {{"model", "m"}}),
            "CSV line 3: feature 'age' is numeric; got 'old' (send a number, or an empty field when missing)");
  EXPECT_NE(csv("age,plan,region\n1,pro\n", {{"model", "m"}}).find("CSV line 2 has 2 fields; the header has 3"), std::string::npos);
  EXPECT_NE(csv("age,plan,region\n", {{"model", "m"}}).find("holds no rows"), std::string::npos);
  EXPECT_NE(csv("age,plan,region\n1,\"pro,east\n", {{"model", "m"}}).find("never closed"), std::string::npos);
}

}  // namespace
}  // namespace chatdb::ml_engine
