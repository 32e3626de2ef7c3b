// Every kind of statement that is not a plain read is refused, by libpg_query for PostgreSQL
// and by the authorizer and sqlite3_stmt_readonly for SQLite.
#include "nl2sql/sql_validator.h"
#include "nl2sql/sqlite_source.h"
#include "tests/unit/nl2sql/test_databases.h"

#include <gtest/gtest.h>

namespace chatdb::nl2sql {
namespace {

const std::vector<std::string>& forbidden_everywhere() {
  static const std::vector<std::string> k = {
      "INSERT INTO book (isbn, title, genre, page_count, published_on) VALUES ('x', 'y', 'z', 1, '2020-01-01')",
      "UPDATE book SET title = 'x'",
      "DELETE FROM loan",
      "DROP TABLE member",
      "CREATE TABLE evil (id INTEGER)",
      "ALTER TABLE book ADD COLUMN evil TEXT",
      "CREATE INDEX evil ON book(title)",
      "CREATE VIEW evil AS SELECT 1",
      "SELECT 1; DELETE FROM loan",
      "SELECT 1; SELECT 2",
      "WITH gone AS (DELETE FROM loan RETURNING *) SELECT * FROM gone",
      "BEGIN",
      "COMMIT",
      "",
      "   ",
  };
  return k;
}

TEST(SqlValidator, PostgresAcceptsPlainSelects) {
  for (const std::string sql : {"SELECT 1", "SELECT name FROM t WHERE x = 'a;b' ORDER BY 1 LIMIT 3",
                                "WITH a AS (SELECT 1 AS x) SELECT x FROM a", "SELECT COUNT(*) FROM t GROUP BY y HAVING COUNT(*) > 1",
                                "SELECT * FROM a UNION SELECT * FROM b", "SELECT 1 -- a comment; DROP TABLE t"}) {
    EXPECT_TRUE(SqlValidator::check_postgres_select(sql).ok()) << sql;
  }
}

TEST(SqlValidator, PostgresRefusesEveryOtherKind) {
  std::vector<std::string> refused = forbidden_everywhere();
  refused.insert(refused.end(), {
      "MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE",
      "COPY t TO '/tmp/out'",
      "COPY (SELECT 1) TO PROGRAM 'rm -rf /'",
      "SET statement_timeout = 0",
      "SET ROLE postgres",
      "RESET ALL",
      "GRANT ALL ON t TO public",
      "TRUNCATE t",
      "VACUUM",
      "LOCK TABLE t",
      "DO $$ BEGIN DELETE FROM t; END $$",
      "CALL p()",
      "PREPARE q AS DELETE FROM t",
      "EXECUTE q",
      "LISTEN c",
      "NOTIFY c",
      "EXPLAIN ANALYZE DELETE FROM t",
      "SELECT * INTO new_table FROM t",
      "SELECT * FROM t FOR UPDATE",
      "SELECT * FROM t FOR SHARE",
      "SELECT * FROM t FOR NO KEY UPDATE SKIP LOCKED",
      "WITH x AS (UPDATE t SET a = 1 RETURNING *) SELECT * FROM x",
      "WITH x AS (INSERT INTO t VALUES (1) RETURNING *) SELECT * FROM x",
      "SELECT * FROM (WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x) s",
      "SELECT pg_sleep(100)",
      "SELECT pg_terminate_backend(1)",
      "SELECT set_config('default_transaction_read_only', 'off', false)",
      "SELECT nextval('s')",
      "SELECT lo_import('/etc/passwd')",
      "SELECT dblink_exec('host=x', 'DROP TABLE t')",
      "SELECT 1\\; DELETE FROM t",
  });
  for (const auto& sql : refused) {
    Status s = SqlValidator::check_postgres_select(sql);
    EXPECT_FALSE(s.ok()) << sql;
    if (!s.ok()) {
      EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument) << sql;
    }
  }
}

TEST(SqlValidator, PostgresNamesWhatItRefused) {
  EXPECT_NE(SqlValidator::check_postgres_select("SELECT * FROM t FOR UPDATE").error().message.find("locking"), std::string::npos);
  EXPECT_NE(SqlValidator::check_postgres_select("SELECT 1 INTO x").error().message.find("SELECT INTO"), std::string::npos);
  EXPECT_NE(SqlValidator::check_postgres_select("WITH d AS (DELETE FROM t RETURNING 1) SELECT 1").error().message.find("Delete"),
            std::string::npos);
  EXPECT_NE(SqlValidator::check_postgres_select("SELECT 1; SELECT 2").error().message.find("single"), std::string::npos);
}

class SqliteValidation : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.path() + "/library.db";
    testing::write_library_database(path_);
    source_ = std::make_unique<SqliteSource>(path_);
  }
  testing::TempDir dir_;
  std::string path_;
  std::unique_ptr<SqliteSource> source_;
};

TEST_F(SqliteValidation, AcceptsPlainSelects) {
  for (const std::string sql : {"SELECT title FROM book", "SELECT 1;", "WITH x AS (SELECT 1 AS a) SELECT a FROM x",
                                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3) SELECT i FROM n",
                                "SELECT title FROM book -- trailing comment"}) {
    EXPECT_TRUE(source_->validate(sql).ok()) << sql << ": " << source_->validate(sql).error().message;
  }
}

TEST_F(SqliteValidation, RefusesEveryOtherKindAndChangesNothing) {
  auto schema_before = testing::sorted_rows(*source_, "SELECT type, name, sql FROM sqlite_schema");
  std::vector<std::string> refused = forbidden_everywhere();
  refused.insert(refused.end(), {
      "PRAGMA writable_schema = 1",
      "PRAGMA query_only = 0",
      "ATTACH DATABASE '/tmp/x.db' AS x",
      "DETACH DATABASE main",
      "VACUUM",
      "REINDEX",
      "ANALYZE",
      "REPLACE INTO branch VALUES (1, 'x', 'y')",
      "INSERT OR IGNORE INTO branch VALUES (9, 'x', 'y')",
      "CREATE TRIGGER t AFTER INSERT ON book BEGIN DELETE FROM loan; END",
      "CREATE TEMP TABLE t (x)",
      "SELECT load_extension('/tmp/evil.so')",
      "SAVEPOINT a",
      "UPDATE book SET title = 'x' RETURNING *",
  });
  for (const auto& sql : refused) {
    EXPECT_FALSE(source_->validate(sql).ok()) << sql;
    auto executed = source_->execute(sql, {});
    EXPECT_FALSE(executed.ok()) << sql;
  }
  auto counts = testing::sorted_rows(*source_, "SELECT (SELECT COUNT(*) FROM book), (SELECT COUNT(*) FROM loan)");
  EXPECT_EQ(counts[0][0], 9);
  EXPECT_EQ(counts[0][1], 8);
  EXPECT_EQ(testing::sorted_rows(*source_, "SELECT type, name, sql FROM sqlite_schema"), schema_before);
}

TEST_F(SqliteValidation, StopsAtTheRowLimitAndTheDeadline) {
  auto limited = source_->execute("SELECT title FROM book", ExecOptions{3, std::chrono::milliseconds(1000)});
  ASSERT_TRUE(limited.ok());
  EXPECT_EQ(limited->rows.size(), 3u);
  EXPECT_TRUE(limited->truncated);
  auto all = source_->execute("SELECT title FROM book", ExecOptions{9, std::chrono::milliseconds(1000)});
  ASSERT_TRUE(all.ok());
  EXPECT_FALSE(all->truncated);

  auto slow = source_->execute(
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT COUNT(*) FROM n",
      ExecOptions{10, std::chrono::milliseconds(100)});
  ASSERT_FALSE(slow.ok());
  EXPECT_EQ(slow.error().code, ErrorCode::kTimeout);
}

TEST_F(SqliteValidation, IntrospectsKeysAndInfersNone) {
  auto schema = source_->introspect();
  ASSERT_TRUE(schema.ok()) << schema.error().message;
  ASSERT_NE(schema->table("book"), nullptr);
  EXPECT_EQ(schema->table("book")->primary_key()->name, "isbn");
  EXPECT_EQ(schema->table("book")->row_count, 9);
  auto path = schema->join_path("member", "book");
  ASSERT_TRUE(path.has_value());
  EXPECT_EQ(path->size(), 2u);  // member <- loan -> book
  EXPECT_EQ(schema->name_columns(*schema->table("member")).size(), 2u);  // first and last name
}

}  // namespace
}  // namespace chatdb::nl2sql
