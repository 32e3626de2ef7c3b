// Data sources from configuration, glossaries, and the cached, refreshable knowledge of each.
#include "nl2sql/catalog.h"
#include "nl2sql/data_source_factory.h"
#include "nl2sql/sqlite_source.h"
#include "tests/unit/nl2sql/test_databases.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>

namespace chatdb::nl2sql {
namespace {

class CatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.path() + "/library.db";
    testing::write_library_database(path_);
  }
  testing::TempDir dir_;
  std::string path_;
};

TEST_F(CatalogTest, OpensSourcesByScheme) {
  EXPECT_TRUE(open_data_source("sqlite://" + path_).ok());
  EXPECT_EQ(open_data_source("sqlite://" + dir_.path() + "/missing.db").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(open_data_source("mysql://localhost/db").error().code, ErrorCode::kInvalidArgument);
  auto pg = open_data_source("postgresql://reader:pw@127.0.0.1:1/db");
  ASSERT_TRUE(pg.ok());
  EXPECT_EQ((*pg)->dialect(), Dialect::kPostgres);
}

TEST_F(CatalogTest, AddsConfiguredSourcesWithGlossaries) {
  std::string glossary = dir_.path() + "/glossary.json";
  std::ofstream(glossary) << R"({"patrons": "member", "heft": "book.page_count"})";
  auto catalog = std::make_shared<Catalog>();
  std::string json = R"({"lib": {"url": "sqlite://)" + path_ + R"(", "glossary": ")" + glossary + R"("}, "plain": "sqlite://)" +
                     path_ + "\"}";
  ASSERT_TRUE(add_data_sources(*catalog, json).ok());
  EXPECT_EQ(catalog->names(), (std::vector<std::string>{"lib", "plain"}));
  EXPECT_EQ(catalog->default_name(), "lib");

  // Without the glossary, "heft" means nothing; with it, it is the page count.
  QueryEngine with_glossary(catalog, EngineOptions{},
                            [] { return std::chrono::system_clock::time_point(testing::test_today()); });
  auto answer = with_glossary.query("average heft of books", "lib");
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  EXPECT_NE(answer->parsed.answer.sql.find("AVG(page_count)"), std::string::npos) << answer->parsed.answer.sql;
  EXPECT_FALSE(with_glossary.parse("average heft of books", "plain").ok());
  auto patrons = with_glossary.query("how many patrons are there", "lib");
  ASSERT_TRUE(patrons.ok()) << patrons.error().message;
  EXPECT_EQ(patrons->rows.rows[0][0], 6);
}

TEST_F(CatalogTest, RefusesBadConfiguration) {
  Catalog catalog;
  EXPECT_FALSE(add_data_sources(catalog, "[1, 2]").ok());
  EXPECT_FALSE(add_data_sources(catalog, R"({"x": "mysql://h/db"})").ok());
  std::string glossary = dir_.path() + "/bad.json";
  std::ofstream(glossary) << R"({"heft": "book.weight"})";
  ASSERT_TRUE(add_data_sources(catalog, R"({"lib": {"url": "sqlite://)" + path_ + R"(", "glossary": ")" + glossary + "\"}}").ok());
  auto knowledge = catalog.knowledge("lib");
  ASSERT_FALSE(knowledge.ok());
  EXPECT_NE(knowledge.error().message.find("book.weight"), std::string::npos);
}

TEST_F(CatalogTest, CachesKnowledgeUntilRefreshed) {
  Catalog catalog;
  catalog.add("lib", std::make_shared<SqliteSource>(path_));
  auto first = catalog.knowledge("lib");
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->get(), catalog.knowledge("lib")->get());
  EXPECT_NE((*first)->values.find("poetry"), nullptr);
  EXPECT_EQ((*first)->values.find("verse"), nullptr);
  // New data appears after a refresh, not before.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE book SET genre = 'verse' WHERE genre = 'poetry'", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  EXPECT_NE((*catalog.knowledge("lib"))->values.find("poetry"), nullptr);
  auto refreshed = catalog.refresh("lib");
  ASSERT_TRUE(refreshed.ok());
  EXPECT_EQ((*refreshed)->values.find("poetry"), nullptr);
  EXPECT_NE((*refreshed)->values.find("verse"), nullptr);
  EXPECT_EQ(catalog.knowledge("nowhere").error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace chatdb::nl2sql
