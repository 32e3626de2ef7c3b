// table:// datasets: a data source's table read through the read-only executor, as CSV that
// the dataset reader types like any other.

#include "ml/dataset_loader.h"
#include "ml_engine/table_csv_export.h"
#include "nl2sql/sqlite_source.h"
#include "tests/support/temp_dir.h"

#include <sqlite3.h>

#include <gtest/gtest.h>

namespace chatdb::ml_engine {
namespace {

class TableCsvExportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (dir_.path() / "shop.db").string();
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    const char* sql =
        "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, price REAL, note TEXT);"
        "INSERT INTO items VALUES (1, 'plain', 1.5, NULL), (2, 'with, comma', 2.0, 'say \"hi\"'),"
        " (3, 'NA', NULL, 'x'), (4, 'four', 4.25, 'y');";
    ASSERT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
    catalog_->add("shop", std::make_shared<nl2sql::SqliteSource>(path_));
  }

  chatdb::testing::TempDir dir_;
  std::string path_;
  std::shared_ptr<nl2sql::Catalog> catalog_ = std::make_shared<nl2sql::Catalog>();
};

TEST_F(TableCsvExportTest, ATableBecomesATypedDatasetWithMissingValues) {
  ml::DatasetLoader loader(ml::DatasetSources{dir_.path(), "", "", "", {}, TableCsvExport(catalog_, 100)});
  auto ds = loader.load("table://shop/ITEMS");  // table names match without regard to case
  ASSERT_TRUE(ds.ok()) << ds.error().message;
  EXPECT_EQ(ds->rows, 4u);
  auto name = ds->index_of("name"), price = ds->index_of("price"), note = ds->index_of("note");
  ASSERT_TRUE(name && price && note);
  EXPECT_EQ(ds->columns[*price].type, ml::ColumnType::kNumeric);
  EXPECT_TRUE(ds->columns[*price].missing(2));                   // NULL
  EXPECT_DOUBLE_EQ(ds->columns[*price].numbers[3], 4.25);
  EXPECT_EQ(ds->columns[*name].type, ml::ColumnType::kCategorical);
  EXPECT_EQ(ds->columns[*name].text(1), "with, comma");
  EXPECT_EQ(ds->columns[*name].text(2), "NA");                   // text that looks like a missing marker stays text
  EXPECT_EQ(ds->columns[*note].text(1), "say \"hi\"");
  EXPECT_TRUE(ds->columns[*note].missing(0));
  EXPECT_EQ(ds->sha256.size(), 64u);
}

TEST_F(TableCsvExportTest, UnknownSourcesAndTablesAreNotFoundAndNamesCannotCarrySql) {
  TableCsvExport tables(catalog_, 100);
  EXPECT_EQ(tables("nowhere", "items").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(tables("shop", "missing").error().code, ErrorCode::kNotFound);
  auto injected = tables("shop", "items; DROP TABLE items");
  ASSERT_FALSE(injected.ok());
  EXPECT_EQ(injected.error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(tables("shop", "items").ok());  // still there
}

TEST_F(TableCsvExportTest, ATableOverTheRowLimitIsRefused) {
  auto r = TableCsvExport(catalog_, 3)("shop", "items");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kPayloadTooLarge);
  EXPECT_NE(r.error().message.find("more than 3 rows"), std::string::npos);
}

TEST(TableDatasetLocationTest, MalformedOrUnconfiguredLocationsAreInvalid) {
  ml::DatasetLoader without(ml::DatasetSources{"/tmp", "", "", "", {}, {}});
  EXPECT_NE(without.load("table://demo/orders").error().message.find("CHATDB_DATA_SOURCES"), std::string::npos);
  ml::DatasetLoader with(ml::DatasetSources{"/tmp", "", "", "", {}, [](const std::string&, const std::string&) {
                                              return Result<std::string>(std::string("a,b\n1,2\n"));
                                            }});
  EXPECT_EQ(with.load("table://demo").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(with.load("table:///orders").error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(with.load("table://demo/orders").ok());
}

}  // namespace
}  // namespace chatdb::ml_engine
