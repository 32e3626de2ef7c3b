#include "common/json_parse.h"

#include <gtest/gtest.h>

#include <string>

namespace chatdb {
namespace {

TEST(JsonParseTest, ParsesOrdinaryDocuments) {
  auto doc = parse_json(R"({"a": [1, 2, {"b": "[[[["}], "c": 1.5})");
  ASSERT_TRUE(doc.ok()) << doc.error().message;
  EXPECT_EQ((*doc)["a"][2]["b"], "[[[[");
}

TEST(JsonParseTest, RefusesDeepNestingNamingTheLimit) {
  // 70,000 nested arrays crashed the process before the limit.
  std::string deep = std::string(70000, '[') + std::string(70000, ']');
  auto doc = parse_json(deep);
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(doc.error().message.find("nested deeper than the limit of 64"), std::string::npos) << doc.error().message;
  EXPECT_TRUE(parse_json_or_discarded(deep).is_discarded());

  std::string at_limit = std::string(64, '[') + std::string(64, ']');
  EXPECT_TRUE(parse_json(at_limit).ok());
  EXPECT_FALSE(parse_json("[" + at_limit + "]").ok());
  std::string objects;
  for (int i = 0; i < 65; ++i) objects += "{\"k\":";
  objects += "1" + std::string(65, '}');
  EXPECT_FALSE(parse_json(objects).ok());
}

TEST(JsonParseTest, BracketsInsideStringsDoNotCount) {
  std::string text = "{\"s\": \"" + std::string(1000, '[') + "\\\"" + std::string(1000, '{') + "\"}";
  EXPECT_TRUE(parse_json(text).ok());
}

TEST(JsonParseTest, RefusesTextOverTheSizeLimit) {
  auto doc = parse_json("[1, 2, 3]", JsonLimits{64, 4});
  ASSERT_FALSE(doc.ok());
  EXPECT_NE(doc.error().message.find("larger than the limit of 4 bytes"), std::string::npos);
}

TEST(JsonParseTest, NumberOverflowIsAnInvalidArgumentNotAnException) {
  auto doc = parse_json(R"({"x": 1e999})");
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(doc.error().message.find("out of range"), std::string::npos);
}

TEST(JsonParseTest, MalformedTextNamesTheByteNotTheParserInternals) {
  auto doc = parse_json(R"({"x": tru})");
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.error().message.find("[json.exception"), std::string::npos) << doc.error().message;
  EXPECT_NE(doc.error().message.find("at byte"), std::string::npos) << doc.error().message;
  EXPECT_FALSE(parse_json("\"\xff\"").ok());
}

}  // namespace
}  // namespace chatdb
