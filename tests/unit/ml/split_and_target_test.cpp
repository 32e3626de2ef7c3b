#include "ml/csv_dataset_reader.h"
#include "ml/data_split.h"
#include "ml/feature_encoder.h"
#include "ml/target.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <set>

namespace chatdb::ml {
namespace {

Dataset csv(std::string_view text) {
  CsvDatasetReader reader;
  EXPECT_TRUE(reader.feed(text).ok());
  auto d = reader.finish();
  EXPECT_TRUE(d.ok()) << d.error().message;
  return std::move(d.value());
}

TEST(Target, ChoosesTheRequestedColumnThenTargetThenLabelThenTheLast) {
  EXPECT_EQ(*Target::choose_column(csv("a,label,target,b\n1,2,3,4\n"), ""), 2u);
  EXPECT_EQ(*Target::choose_column(csv("a,label,b\n1,2,4\n"), ""), 1u);
  EXPECT_EQ(*Target::choose_column(csv("a,b,c\n1,2,4\n"), ""), 2u);
  EXPECT_EQ(*Target::choose_column(csv("a,b,c\n1,2,4\n"), "a"), 0u);
  auto absent = Target::choose_column(csv("a,b,c\n1,2,4\n"), "price");
  ASSERT_FALSE(absent.ok());
  EXPECT_EQ(absent.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(absent.error().message, "the target column 'price' is not in the dataset; its columns are: a, b, c");
  EXPECT_FALSE(Target::choose_column(csv("a\n1\n"), "").ok());
}

TEST(Target, DetectsTheTask) {
  Dataset d = csv("x,text,small_int,real,big_int,one\n1,no,0,0.5,10,7\n2,yes,1,1.25,20,7\n3,yes,2,2.5,30,7\n4,no,1,3.5,40,7\n");
  auto text = Target::fit(d, 1, "auto");
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text->task(), Task::kClassification);
  EXPECT_EQ(text->classes(), (std::vector<std::string>{"no", "yes"}));
  EXPECT_EQ(text->labels(d), (std::vector<float>{0, 1, 1, 0}));

  auto small = Target::fit(d, 2, "auto");
  EXPECT_EQ(small->task(), Task::kClassification);
  EXPECT_EQ(small->classes(), (std::vector<std::string>{"0", "1", "2"}));
  EXPECT_EQ(small->class_value(2), nlohmann::json(2));

  EXPECT_EQ(Target::fit(d, 3, "auto")->task(), Task::kRegression);
  EXPECT_EQ(Target::fit(d, 3, "classification")->classes().size(), 4u);
  EXPECT_EQ(Target::fit(d, 2, "regression")->task(), Task::kRegression);

  auto text_regression = Target::fit(d, 1, "regression");
  ASSERT_FALSE(text_regression.ok());
  EXPECT_NE(text_regression.error().message.find("regression needs numbers"), std::string::npos);
  auto single = Target::fit(d, 5, "auto");
  ASSERT_FALSE(single.ok());
  EXPECT_NE(single.error().message.find("has a single value ('7')"), std::string::npos);
  EXPECT_FALSE(Target::fit(d, 1, "clustering").ok());
}

TEST(Target, ManyDistinctIntegersAreRegressionUnlessAskedAndTooManyClassesAreRefused) {
  std::string text = "x,y\n";
  for (int i = 0; i < 150; ++i) text += std::to_string(i) + "," + std::to_string(i) + "\n";
  Dataset d = csv(text);
  EXPECT_EQ(Target::fit(d, 1, "auto")->task(), Task::kRegression);
  auto many = Target::fit(d, 1, "classification");
  ASSERT_FALSE(many.ok());
  EXPECT_NE(many.error().message.find("too many classes"), std::string::npos);
}

TEST(Target, MissingTargetValuesAreNaNAndTheJsonRoundTrips) {
  Dataset d = csv("x,y\n1,b\n2,\n3,a\n");
  auto t = Target::fit(d, 1, "auto");
  ASSERT_TRUE(t.ok());
  auto labels = t->labels(d);
  EXPECT_EQ(labels[0], 1.0f);
  EXPECT_TRUE(std::isnan(labels[1]));
  Dataset numeric = csv("x,y\n1,0\n2,\n3,1\n");
  auto n = Target::fit(numeric, 1, "auto");
  ASSERT_TRUE(n.ok());
  auto numeric_labels = n->labels(numeric);
  EXPECT_EQ(numeric_labels[0], 0.0f);
  EXPECT_TRUE(std::isnan(numeric_labels[1]));  // not class 0
  EXPECT_EQ(numeric_labels[2], 1.0f);
  auto back = Target::from_json(t->to_json());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->to_json(), t->to_json());
  EXPECT_EQ(back->class_value(0), nlohmann::json("a"));
}

std::vector<std::size_t> range(std::size_t n) {
  std::vector<std::size_t> v(n);
  std::iota(v.begin(), v.end(), 0);
  return v;
}

TEST(DataSplit, IsSeededAndStratified) {
  std::vector<std::size_t> rows = range(100);
  std::vector<float> labels(100, 0.0f);
  for (std::size_t i = 0; i < 100; i += 5) labels[i] = 1.0f;  // 80 of class 0, 20 of class 1
  auto a = DataSplit::make(rows, labels, true, 0.25, 7);
  auto b = DataSplit::make(rows, labels, true, 0.25, 7);
  auto c = DataSplit::make(rows, labels, true, 0.25, 8);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(a->validation, b->validation);
  EXPECT_EQ(a->train, b->train);
  EXPECT_NE(a->validation, c->validation);

  ASSERT_EQ(a->validation.size(), 25u);
  std::size_t positives = 0;
  for (auto r : a->validation) positives += labels[r] == 1.0f ? 1 : 0;
  EXPECT_EQ(positives, 5u);  // exactly a quarter of each class

  std::set<std::size_t> all(a->train.begin(), a->train.end());
  all.insert(a->validation.begin(), a->validation.end());
  EXPECT_EQ(all.size(), 100u);  // disjoint and complete
  EXPECT_TRUE(std::is_sorted(a->train.begin(), a->train.end()));
}

TEST(DataSplit, KeepsASingletonClassInTrainingAndRefusesTooFewRows) {
  auto s = DataSplit::make({10, 11, 12, 13, 14}, {0, 0, 0, 0, 1}, true, 0.2, 1);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->validation.size(), 1u);
  EXPECT_NE(std::find(s->train.begin(), s->train.end(), 14u), s->train.end());
  auto unstratified = DataSplit::make(range(10), std::vector<float>(10), false, 0.3, 1);
  EXPECT_EQ(unstratified->validation.size(), 3u);
  auto one = DataSplit::make({3}, {0}, false, 0.2, 1);
  ASSERT_FALSE(one.ok());
  EXPECT_EQ(one.error().code, ErrorCode::kInvalidArgument);
  EXPECT_FALSE(DataSplit::make(range(10), std::vector<float>(10), false, 1.0, 1).ok());
}

class Encoder : public ::testing::Test {
 protected:
  Encoder() {
    std::string text = "id,size,color,y\n";
    const char* colors[] = {"red", "blue", "", "green"};
    for (int i = 0; i < 30; ++i) {
      text += "u" + std::to_string(i) + "," + (i == 3 ? "" : std::to_string(i)) + "," + colors[i % 4] + "," + std::to_string(i % 2) + "\n";
    }
    data_ = csv(text);
  }
  Dataset data_;
};

TEST_F(Encoder, OneHotsFewCategoriesAndIgnoresIdentifiers) {
  auto e = FeatureEncoder::fit(data_, 3, "auto");
  ASSERT_TRUE(e.ok()) << e.error().message;
  ASSERT_EQ(e->ignored().size(), 1u);
  EXPECT_EQ(e->ignored()[0].name, "id");
  EXPECT_EQ(e->ignored()[0].reason, "identifier");
  EXPECT_EQ(e->encoded_names(), (std::vector<std::string>{"size", "color=blue", "color=green", "color=red"}));
  auto m = e->encode(data_, {0, 2, 3});
  // Row 0: size 0, red. Row 2: size 2, color missing (all zero). Row 3: size missing, green.
  std::vector<float> expected_head = {0, 0, 0, 1, 2, 0, 0, 0};
  EXPECT_EQ(std::vector<float>(m.begin(), m.begin() + 8), expected_head);
  EXPECT_TRUE(std::isnan(m[8]));
  EXPECT_EQ(std::vector<float>(m.begin() + 9, m.end()), (std::vector<float>{0, 1, 0}));
}

TEST_F(Encoder, CodesAreSortedCategoryIndicesAndMissingIsNaN) {
  auto e = FeatureEncoder::fit(data_, 3, "codes");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->encoded_names(), (std::vector<std::string>{"size", "color"}));
  auto m = e->encode(data_, {0, 1, 2});
  EXPECT_EQ(m[1], 2.0f);  // red: blue, green, red
  EXPECT_EQ(m[3], 0.0f);  // blue
  EXPECT_TRUE(std::isnan(m[5]));
  EXPECT_FALSE(FeatureEncoder::fit(data_, 3, "hash").ok());
}

TEST_F(Encoder, InstancesAreEncodedLikeTrainingRowsAfterAJsonRoundTrip) {
  auto fitted = FeatureEncoder::fit(data_, 3, "auto");
  auto e = FeatureEncoder::from_json(fitted->to_json(), fitted->ignored_json());
  ASSERT_TRUE(e.ok());
  auto instances = nlohmann::json::parse(R"([{"size": 0, "color": "red"}, {"size": null, "color": "green", "id": "u3", "y": 1},
                                              {"size": 2.5, "color": "purple"}])");
  auto m = e->encode_instances(instances, "y");
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(std::vector<float>(m->begin(), m->begin() + 4), (std::vector<float>{0, 0, 0, 1}));
  EXPECT_TRUE(std::isnan((*m)[4]));
  EXPECT_EQ((*m)[6], 1.0f);
  EXPECT_EQ(std::vector<float>(m->begin() + 8, m->end()), (std::vector<float>{2.5f, 0, 0, 0}));  // unseen category
}

TEST_F(Encoder, BadInstancesNameTheProblem) {
  auto e = FeatureEncoder::fit(data_, 3, "auto");
  auto message = [&](const char* json) {
    auto m = e->encode_instances(nlohmann::json::parse(json), "y");
    return m.ok() ? std::string("ok") : m.error().message;
  };
  EXPECT_EQ(message(R"([{"size": 1, "colour": "red", "weight": 3}])"),
            "instance 0: unknown features 'colour', 'weight'; missing feature 'color'; the model's features are 'size', "
            "'color' (null for a missing value)");
  EXPECT_EQ(message(R"([{"size": 1, "color": "red"}, {"size": "big", "color": "red"}])"),
            "instance 1: feature 'size' is numeric; got \"big\" (send a number, or null when missing)");
  EXPECT_EQ(message(R"([{"size": 1, "color": true}])"),
            "instance 0: feature 'color' is categorical; got true (send a string, or null when missing)");
  EXPECT_EQ(message(R"([3])"), "instance 0 is not an object {feature: value}");
  EXPECT_EQ(message(R"({"size": 1})"), "'instances' must be an array of objects {feature: value}");
}

}  // namespace
}  // namespace chatdb::ml
