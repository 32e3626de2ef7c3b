// Checks on the generated demo database that are not a question and its reference answer: the
// database itself, ties, the projected columns and abstention messages. The questions with
// reference answers are in tests/nl2sql/questions/demo.jsonl (question_files_test.cpp).
#include "nl2sql/demo_database.h"
#include "nl2sql/sqlite_source.h"
#include "tests/unit/nl2sql/test_databases.h"

#include <gtest/gtest.h>

namespace chatdb::nl2sql {
namespace {

class DemoQuestions : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    std::string path = dir_->path() + "/demo.db";
    ASSERT_TRUE(DemoDatabase::ensure(path).ok());
    source_ = std::make_shared<SqliteSource>(path);
    engine_ = testing::engine_for("demo", source_);
  }
  static void TearDownTestSuite() {
    engine_.reset();
    source_.reset();
    delete dir_;
  }

  static testing::TempDir* dir_;
  static std::shared_ptr<SqliteSource> source_;
  static std::shared_ptr<QueryEngine> engine_;
};

testing::TempDir* DemoQuestions::dir_ = nullptr;
std::shared_ptr<SqliteSource> DemoQuestions::source_;
std::shared_ptr<QueryEngine> DemoQuestions::engine_;

TEST_F(DemoQuestions, DemoDatabaseIsDeterministicAndComplete) {
  auto counts = testing::sorted_rows(*source_,
                                     "SELECT (SELECT COUNT(*) FROM customers), (SELECT COUNT(*) FROM orders), "
                                     "(SELECT MIN(order_date) FROM orders), (SELECT MAX(order_date) FROM orders)");
  EXPECT_EQ(counts[0][0], 240);
  EXPECT_GT(counts[0][1].get<int>(), 1000);
  EXPECT_LT(counts[0][2].get<std::string>(), "2022-02-01");
  EXPECT_GT(counts[0][3].get<std::string>(), "2025-11-01");
  // Written once: a second ensure() keeps the file.
  EXPECT_TRUE(DemoDatabase::ensure(dir_->path() + "/demo.db").ok());
}

TEST_F(DemoQuestions, MostAndFewestRelatedRows) {
  // Several categories may share the most: the one answered has that many.
  auto most = engine_->query("which category has the most products", "");
  ASSERT_TRUE(most.ok()) << most.error().message;
  ASSERT_EQ(most->rows.rows.size(), 1u);
  auto largest = testing::sorted_rows(*source_, "SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM products GROUP BY category_id)");
  EXPECT_EQ(most->rows.rows[0][1], largest[0][0]);
  EXPECT_NE(most->parsed.answer.sql.find("DESC, categories.id LIMIT 1"), std::string::npos) << most->parsed.answer.sql;
  // Several categories may share the fewest: the one answered has that many.
  auto fewest = engine_->query("which category has the fewest products", "");
  ASSERT_TRUE(fewest.ok()) << fewest.error().message;
  ASSERT_EQ(fewest->rows.rows.size(), 1u);
  auto least = testing::sorted_rows(*source_, "SELECT MIN(n) FROM (SELECT COUNT(*) AS n FROM products GROUP BY category_id)");
  EXPECT_EQ(fewest->rows.rows[0][1], least[0][0]);
  EXPECT_NE(fewest->parsed.answer.sql.find("ASC, categories.id LIMIT 1"), std::string::npos) << fewest->parsed.answer.sql;
}

TEST_F(DemoQuestions, ProjectsTheNameColumn) {
  auto answer = engine_->parse("which customer has the most orders", "");
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  EXPECT_NE(answer->answer.sql.find("SELECT customers.name,"), std::string::npos) << answer->answer.sql;
  EXPECT_EQ(answer->answer.tables, (std::vector<std::string>{"customers", "orders"}));
}

TEST_F(DemoQuestions, EscapesWildcardsInTextSearches) {
  // The user's wildcards are escaped: nothing holds a literal '%'.
  auto none = engine_->query("products containing '%'", "");
  ASSERT_TRUE(none.ok()) << none.error().message;
  EXPECT_TRUE(none->rows.rows.empty()) << none->parsed.answer.sql;
}

TEST_F(DemoQuestions, AbstainsWithTheClosestName) {
  auto answer = engine_->parse("what is the headcount per region", "");
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(answer.error().message.find("'headcount'"), std::string::npos) << answer.error().message;
  EXPECT_NE(answer.error().message.find("closest"), std::string::npos) << answer.error().message;
}

TEST_F(DemoQuestions, AbstainsOnUnknownQuotedValues) {
  auto answer = engine_->parse("customers in 'Germny'", "");
  ASSERT_FALSE(answer.ok());
  EXPECT_NE(answer.error().message.find("'Germany'"), std::string::npos) << answer.error().message;
}

}  // namespace
}  // namespace chatdb::nl2sql
