// The parser, validator and executor against a real, throwaway PostgreSQL 15: the same
// questions give the same rows as on SQLite, and writes are refused at every layer.
#include "nl2sql/postgres_source.h"
#include "nl2sql/sql_validator.h"
#include "nl2sql/sqlite_source.h"
#include "tests/unit/nl2sql/test_databases.h"
#include "tests/support/test_postgres.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <cmath>

namespace chatdb::nl2sql {
namespace {

void run_script(const std::string& url, const std::string& script) {
  PGconn* conn = PQconnectdb(url.c_str());
  ASSERT_EQ(PQstatus(conn), CONNECTION_OK) << PQerrorMessage(conn);
  PGresult* r = PQexec(conn, script.c_str());
  ASSERT_EQ(PQresultStatus(r), PGRES_COMMAND_OK) << PQresultErrorMessage(r);
  PQclear(r);
  PQfinish(conn);
}

// JSON numbers compared as numbers (PostgreSQL's AVG is numeric, SQLite's a double).
bool same(const nlohmann::json& a, const nlohmann::json& b) {
  if (a.is_number() && b.is_number()) return std::abs(a.get<double>() - b.get<double>()) < 1e-6;
  return a == b;
}

class PostgresLibrary : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new chatdb::testing::TestPostgres();
    url_ = server_->create_database("library");
    run_script(url_, testing::library_script() +
                         "CREATE TABLE audit (id serial PRIMARY KEY, note text);"
                         "CREATE FUNCTION sneaky() RETURNS integer LANGUAGE sql AS "
                         "$$ INSERT INTO audit (note) VALUES ('written'); SELECT 1 $$;");
    dir_ = new testing::TempDir();
    testing::write_library_database(dir_->path() + "/library.db");
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }

  static chatdb::testing::TestPostgres* server_;
  static testing::TempDir* dir_;
  static std::string url_;
};

chatdb::testing::TestPostgres* PostgresLibrary::server_ = nullptr;
testing::TempDir* PostgresLibrary::dir_ = nullptr;
std::string PostgresLibrary::url_;

TEST_F(PostgresLibrary, IntrospectsTablesKeysAndValues) {
  PostgresSource source(url_);
  auto schema = source.introspect();
  ASSERT_TRUE(schema.ok()) << schema.error().message;
  ASSERT_NE(schema->table("book"), nullptr);
  EXPECT_EQ(schema->table("book")->primary_key()->name, "isbn");
  EXPECT_EQ(schema->table("loan")->row_count, 8);
  EXPECT_EQ(schema->table("book")->column("published_on")->kind, ColumnKind::kDate);
  auto path = schema->join_path("member", "book");
  ASSERT_TRUE(path.has_value());
  EXPECT_EQ(path->size(), 2u);
  auto values = ValueIndex::build(source, *schema);
  ASSERT_NE(values.find("ursula vance"), nullptr);
  EXPECT_EQ(values.find("ursula vance")->front().column, "full_name");
}

TEST_F(PostgresLibrary, AnswersLikeSqlite) {
  auto pg = testing::engine_for("library", std::make_shared<PostgresSource>(url_));
  auto lite = testing::engine_for("library", std::make_shared<SqliteSource>(dir_->path() + "/library.db"));
  for (const std::string q : {"how many books are there", "books by Ursula Vance", "average page count per genre",
                              "members who never borrowed", "loans last month", "members with more than 2 loans",
                              "top 3 longest books", "which members borrowed The Glass Orchard", "books by Seán O'Brien",
                              "loans that were not returned", "books published after 2015", "total fine amount per member"}) {
    auto a = pg->query(q, "library");
    auto b = lite->query(q, "library");
    ASSERT_TRUE(a.ok()) << q << ": " << a.error().message;
    ASSERT_TRUE(b.ok()) << q << ": " << b.error().message;
    auto ra = a->rows.rows;
    auto rb = b->rows.rows;
    ASSERT_EQ(ra.size(), rb.size()) << q << "\n  pg: " << a->parsed.answer.sql << "\n  sqlite: " << b->parsed.answer.sql;
    std::sort(ra.begin(), ra.end());
    std::sort(rb.begin(), rb.end());
    for (std::size_t i = 0; i < ra.size(); ++i) {
      for (std::size_t j = 0; j < ra[i].size(); ++j) {
        EXPECT_TRUE(same(ra[i][j], rb[i][j])) << q << " row " << i << ": " << ra[i][j] << " vs " << rb[i][j];
      }
    }
    EXPECT_TRUE(SqlValidator::check_postgres_select(a->parsed.answer.sql).ok());
  }
}

TEST_F(PostgresLibrary, WritesAreRefusedEvenPastTheValidator) {
  PostgresSource source(url_);
  // The validator stops a plain write...
  auto write = source.execute("DELETE FROM loan", {});
  ASSERT_FALSE(write.ok());
  EXPECT_EQ(write.error().code, ErrorCode::kInvalidArgument);
  // ...and a function that writes, which the parser cannot see into, meets the read-only
  // transaction.
  auto sneaky = source.execute("SELECT sneaky()", {});
  ASSERT_FALSE(sneaky.ok());
  EXPECT_NE(sneaky.error().message.find("read-only"), std::string::npos) << sneaky.error().message;
  auto audit = source.execute("SELECT COUNT(*) FROM audit", {});
  ASSERT_TRUE(audit.ok());
  EXPECT_EQ(audit->rows[0][0], 0);
}

TEST_F(PostgresLibrary, TimeoutAndRowLimit) {
  PostgresSource source(url_);
  auto slow = source.execute("SELECT COUNT(*) FROM generate_series(1, 2000000000)", {10, std::chrono::milliseconds(200)});
  ASSERT_FALSE(slow.ok());
  EXPECT_EQ(slow.error().code, ErrorCode::kTimeout);
  // The pooled connection is usable after the cancelled statement.
  auto rows = source.execute("SELECT title FROM book ORDER BY title", {4, std::chrono::milliseconds(2000)});
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  EXPECT_EQ(rows->rows.size(), 4u);
  EXPECT_TRUE(rows->truncated);
  EXPECT_EQ(rows->rows[0][0], "Night Ferry");
}

TEST_F(PostgresLibrary, UnreachableServerIsUnavailable) {
  PostgresSource source("postgresql://postgres@127.0.0.1:1/nowhere?connect_timeout=2");
  Status s = source.check();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(source.display_url().find("secret"), std::string::npos);
  PostgresSource with_password("postgresql://reader:secret@127.0.0.1:1/db");
  EXPECT_EQ(with_password.display_url(), "postgresql://reader:***@127.0.0.1:1/db");
}

}  // namespace
}  // namespace chatdb::nl2sql
