// Hostile questions never run anything but one read-only SELECT: each gets a 4xx-class error or
// a validated SELECT, and the database is unchanged afterwards.
#include "nl2sql/demo_database.h"
#include "nl2sql/sql_validator.h"
#include "nl2sql/sqlite_source.h"
#include "tests/unit/nl2sql/test_databases.h"

#include <gtest/gtest.h>

#include <algorithm>

#include <mutex>

namespace chatdb::nl2sql {
namespace {

// Records every statement that reaches the database.
class RecordingSource : public DataSource {
 public:
  explicit RecordingSource(std::shared_ptr<DataSource> inner) : inner_(std::move(inner)) {}
  Dialect dialect() const override { return inner_->dialect(); }
  std::string display_url() const override { return inner_->display_url(); }
  Status validate(const std::string& sql) override { return inner_->validate(sql); }
  Result<Rows> execute(const std::string& sql, const ExecOptions& options) override {
    std::lock_guard lock(mutex_);
    executed.push_back(sql);
    return inner_->execute(sql, options);
  }
  Result<Schema> introspect() override { return inner_->introspect(); }
  Status check() override { return inner_->check(); }

  std::vector<std::string> executed;

 private:
  std::shared_ptr<DataSource> inner_;
  std::mutex mutex_;
};

bool client_error(ErrorCode code) { return code == ErrorCode::kInvalidArgument || code == ErrorCode::kPayloadTooLarge; }

TEST(Adversarial, HostileQuestionsGetAnErrorOrOneSafeSelect) {
  testing::TempDir dir;
  std::string path = dir.path() + "/demo.db";
  ASSERT_TRUE(DemoDatabase::ensure(path).ok());
  auto plain = std::make_shared<SqliteSource>(path);
  auto before = testing::sorted_rows(*plain, "SELECT (SELECT COUNT(*) FROM customers), (SELECT COUNT(*) FROM orders), "
                                             "(SELECT SUM(total_amount) FROM orders), (SELECT COUNT(*) FROM sqlite_schema)");
  auto recording = std::make_shared<RecordingSource>(plain);
  auto engine = testing::engine_for("demo", recording);
  ASSERT_TRUE(engine->catalog().knowledge("demo").ok());
  recording->executed.clear();  // introspection and the value index are ours

  std::vector<std::string> questions = {
      "drop table customers",
      "DROP TABLE customers;",
      "'; DELETE FROM orders; --",
      "customers named '; DELETE FROM orders; --'",
      "customers in 'Germany'; DROP TABLE orders; --'",
      "customers named \"Robert'); DROP TABLE customers;--\"",
      "list customers in Germany\"; UPDATE orders SET total_amount = 0; --",
      "SELECT * FROM customers; DELETE FROM orders",
      "SELECT name FROM customers",
      "select * from orders where 1=1 union select sql, 1, 1, 1, 1 from sqlite_schema",
      "WITH x AS (DELETE FROM orders RETURNING *) SELECT * FROM x",
      "UPDATE orders SET status = 'cancelled'",
      "INSERT INTO customers VALUES (999, 'x', NULL, 'x', 'x', '2020-01-01')",
      "ATTACH DATABASE '/tmp/evil.db' AS evil",
      "PRAGMA query_only = 0",
      "SHOW search_path",
      "SET ROLE postgres",
      "set statement_timeout = 0",
      "how many customers are in Zürich ☃ 🚀",
      "customers in \xE5\x8C\x97\xE4\xBA\xAC",
      "customers with name O'Brien",
      "customers named 'O''Brien'",
      "\"\"\"''''''",
      "?",
      "\x01\x02\x03",
      "how many customers are there\nDELETE FROM orders",
      std::string(10 * 1024, 'a'),
      std::string(10 * 1024 + 1, 'x'),
  };
  std::string long_question = "list customers in Germany";
  while (long_question.size() < 10 * 1024 - 30) long_question += " and also in Germany";
  questions.push_back(long_question);

  for (const auto& q : questions) {
    std::size_t executed_before = recording->executed.size();
    auto answer = engine->query(q, "");
    if (!answer.ok()) {
      EXPECT_TRUE(client_error(answer.error().code)) << q.substr(0, 80) << ": " << answer.error().message;
    } else {
      EXPECT_TRUE(plain->validate(answer->parsed.answer.sql).ok()) << answer->parsed.answer.sql;
    }
    // At most one statement ran, and it was a SELECT that passes both validators.
    ASSERT_LE(recording->executed.size(), executed_before + 1) << q.substr(0, 80);
    for (std::size_t i = executed_before; i < recording->executed.size(); ++i) {
      const std::string& sql = recording->executed[i];
      EXPECT_TRUE(plain->validate(sql).ok()) << sql;
      EXPECT_TRUE(SqlValidator::check_postgres_select(sql).ok()) << sql;
    }
  }
  EXPECT_EQ(testing::sorted_rows(*plain, "SELECT (SELECT COUNT(*) FROM customers), (SELECT COUNT(*) FROM orders), "
                                         "(SELECT SUM(total_amount) FROM orders), (SELECT COUNT(*) FROM sqlite_schema)"),
            before);
}

TEST(Adversarial, UserTextReachesSqlOnlyAsEscapedLiterals) {
  testing::TempDir dir;
  std::string path = dir.path() + "/library.db";
  testing::write_library_database(path);
  auto engine = testing::engine_for("library", std::make_shared<SqliteSource>(path));
  // A quoted value that is stored nowhere is refused, with the nearest stored values.
  auto missing = engine->parse("books titled 'x'' OR ''1''=''1'", "library");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kInvalidArgument);
  // A stored value with a quote in it is escaped by doubling, and finds its rows.
  auto answer = engine->query("books by Seán O'Brien", "library");
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  EXPECT_NE(answer->parsed.answer.sql.find("'Seán O''Brien'"), std::string::npos) << answer->parsed.answer.sql;
  ASSERT_EQ(answer->rows.rows.size(), 1u);
  const auto& row = answer->rows.rows[0];
  EXPECT_NE(std::find(row.begin(), row.end(), nlohmann::json("Tide Tables")), row.end()) << answer->parsed.answer.sql;
}

TEST(Adversarial, QuestionLimits) {
  testing::TempDir dir;
  std::string path = dir.path() + "/library.db";
  testing::write_library_database(path);
  auto engine = testing::engine_for("library", std::make_shared<SqliteSource>(path));
  EXPECT_EQ(engine->parse("", "library").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(engine->parse("   \n", "library").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(engine->parse(std::string(QueryEngine::kMaxQuestionBytes + 1, 'a'), "library").error().code,
            ErrorCode::kPayloadTooLarge);
  EXPECT_EQ(engine->parse("books \xFF\xFE", "library").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(engine->parse("list books", "nowhere").error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace chatdb::nl2sql
