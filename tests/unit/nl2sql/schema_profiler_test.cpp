// What the profiler learns from the data that the declared types and keys do not say.
#include "nl2sql/schema_profiler.h"
#include "nl2sql/sqlite_source.h"
#include "tests/unit/nl2sql/test_databases.h"

#include <gtest/gtest.h>

namespace chatdb::nl2sql {
namespace {

const char* kScript = R"(
CREATE TABLE managers (mgr_no INTEGER PRIMARY KEY, full_nm TEXT);
CREATE TABLE hubs (code TEXT PRIMARY KEY, city TEXT);
CREATE TABLE claims (
  claim_id INTEGER PRIMARY KEY, filed_on TEXT, amount TEXT, approved_by INTEGER, origin_hub TEXT,
  is_urgent INTEGER, qty INTEGER, ref_code TEXT, note TEXT);
INSERT INTO managers VALUES (1, 'Ana'), (2, 'Ben'), (3, 'Cy'), (4, 'Di'), (5, 'Ed'), (6, 'Flo');
INSERT INTO hubs VALUES ('LIS', 'Lisbon'), ('OPO', 'Porto'), ('FAO', 'Faro');
INSERT INTO claims VALUES
  (1, '2024-01-05', '120.50', 1, 'LIS', 0, 7, '007', 'x'),
  (2, '2024-02-11', '99', 2, 'OPO', 1, 12, '008', NULL),
  (3, '2023-12-30', '1500.25', 3, 'LIS', 0, 40, '009', 'y'),
  (4, NULL, NULL, NULL, NULL, 1, 99, NULL, 'z');
)";

class SchemaProfilerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.path() + "/claims.db";
    testing::write_database(path_, kScript);
    source_ = std::make_shared<SqliteSource>(path_);
    auto declared = source_->introspect();
    ASSERT_TRUE(declared.ok()) << declared.error().message;
    schema_ = SchemaProfiler::profile(*source_, *declared);
  }
  const Column& column(const std::string& name) const { return *schema_.table("claims")->column(name); }
  bool refers(const std::string& col, const std::string& table) const {
    for (const auto& fk : schema_.foreign_keys()) {
      if (fk.table == "claims" && fk.column == col && fk.ref_table == table) return true;
    }
    return false;
  }

  testing::TempDir dir_;
  std::string path_;
  std::shared_ptr<SqliteSource> source_;
  Schema schema_;
};

TEST_F(SchemaProfilerTest, TextThatReadsAsDatesOrNumbersIsTypedSo) {
  EXPECT_EQ(column("filed_on").kind, ColumnKind::kDate);
  EXPECT_TRUE(column("filed_on").stored_as_text);
  EXPECT_EQ(column("amount").kind, ColumnKind::kReal);
  EXPECT_TRUE(column("amount").stored_as_text);
  EXPECT_EQ(column("ref_code").kind, ColumnKind::kText);  // leading zeros: an identifier, not a number
  EXPECT_EQ(column("note").kind, ColumnKind::kText);
}

TEST_F(SchemaProfilerTest, ZeroOneColumnsAreFlags) {
  EXPECT_TRUE(column("is_urgent").flag);
  EXPECT_FALSE(column("qty").flag);
}

TEST_F(SchemaProfilerTest, UndeclaredReferencesComeFromNamesAndValues) {
  EXPECT_TRUE(refers("approved_by", "managers"));  // reads as a reference, values are manager keys
  EXPECT_TRUE(refers("origin_hub", "hubs"));       // names the table, values are hub codes
  EXPECT_FALSE(refers("qty", "managers"));         // a number that only happens to look like keys
  EXPECT_FALSE(refers("ref_code", "hubs"));
}

}  // namespace
}  // namespace chatdb::nl2sql
