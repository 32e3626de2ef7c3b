#include "ml/csv_dataset_reader.h"
#include "ml/csv_parser.h"

#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <string>
#include <vector>

namespace chatdb::ml {
namespace {

Result<Dataset> read(std::string_view text, std::size_t chunk = 1 << 20, DatasetLimits limits = {}) {
  CsvDatasetReader reader(limits);
  for (std::size_t i = 0; i < text.size(); i += chunk) {
    if (Status s = reader.feed(text.substr(i, chunk)); !s) return s.error();
  }
  return reader.finish();
}

std::vector<std::vector<std::string>> records(std::string_view text, std::size_t chunk) {
  std::vector<std::vector<std::string>> out;
  CsvParser parser([&](const std::vector<CsvField>& fields, std::uint64_t) {
    std::vector<std::string> r;
    for (const auto& f : fields) r.emplace_back(f.text);
    out.push_back(r);
    return Status::success();
  });
  for (std::size_t i = 0; i < text.size(); i += chunk) EXPECT_TRUE(parser.feed(text.substr(i, chunk)).ok());
  EXPECT_TRUE(parser.finish().ok());
  return out;
}

TEST(CsvParser, QuotedFieldsHoldCommasLineBreaksAndDoubledQuotes) {
  const std::string text = "\xEF\xBB\xBFname,note\r\n\"Smith, J\",\"said \"\"hi\"\"\r\nthen left\"\r\nplain,\"\"\n\nlast,x";
  std::vector<std::vector<std::string>> expected = {
      {"name", "note"}, {"Smith, J", "said \"hi\"\r\nthen left"}, {"plain", ""}, {"last", "x"}};
  // Every chunking gives the same records, including one byte at a time (the byte-order mark
  // and CRLF split across chunks).
  for (std::size_t chunk : {1, 2, 3, 5, 1000}) EXPECT_EQ(records(text, chunk), expected) << "chunk " << chunk;
}

TEST(CsvParser, LoneCarriageReturnEndsARecord) {
  EXPECT_EQ(records("a,b\r1,2\r", 4), (std::vector<std::vector<std::string>>{{"a", "b"}, {"1", "2"}}));
}

TEST(CsvParser, MalformedInputNamesTheLine) {
  auto error_of = [](std::string_view text) {
    CsvParser parser([](const std::vector<CsvField>&, std::uint64_t) { return Status::success(); }, 64);
    Status s = parser.feed(text);
    if (s) s = parser.finish();
    return s.ok() ? std::string("ok") : s.error().message;
  };
  EXPECT_EQ(error_of("a,b\n1,x\"y\n"), "CSV line 2: a quote inside an unquoted field; quote the whole field and double its quotes");
  EXPECT_EQ(error_of("a,b\n\"x\"y,1\n"),
            "CSV line 2: text after a closing quote; a quote inside a quoted field is written as two quotes");
  EXPECT_EQ(error_of("a,b\n1,2\n\"open,3\n4,5\n"), "CSV line 3: a quoted field is never closed");
  EXPECT_NE(error_of("a\n\"" + std::string(100, 'x')).find("longer than 64 bytes"), std::string::npos);
}

TEST(CsvDatasetReader, TypesColumnsAndReadsMissingValues) {
  const std::string text = "age, city ,score,flag\n 31 ,Paris,1.5,\"NA\"\nNA,\"Lyon, FR\",,x\n40,,-2e1,NA\n";
  auto d = read(text);
  ASSERT_TRUE(d.ok()) << d.error().message;
  ASSERT_EQ(d->rows, 3u);
  ASSERT_EQ(d->columns.size(), 4u);
  EXPECT_EQ(d->columns[1].name, "city");  // header names trimmed

  const Column& age = d->columns[0];
  EXPECT_EQ(age.type, ColumnType::kNumeric);
  EXPECT_EQ(age.numbers[0], 31.0);  // unquoted numbers trimmed
  EXPECT_TRUE(std::isnan(age.numbers[1]));
  EXPECT_EQ(age.numbers[2], 40.0);

  const Column& city = d->columns[1];
  EXPECT_EQ(city.type, ColumnType::kCategorical);
  EXPECT_EQ(city.categories, (std::vector<std::string>{"Paris", "Lyon, FR"}));
  EXPECT_EQ(city.codes, (std::vector<std::int32_t>{0, 1, -1}));

  EXPECT_EQ(d->columns[2].numbers[2], -20.0);
  EXPECT_TRUE(d->columns[2].missing(1));

  // A quoted "NA" is text, so the column is categorical; an unquoted NA is missing.
  const Column& flag = d->columns[3];
  EXPECT_EQ(flag.type, ColumnType::kCategorical);
  EXPECT_EQ(flag.categories, (std::vector<std::string>{"NA", "x"}));
  EXPECT_EQ(flag.codes, (std::vector<std::int32_t>{0, 1, -1}));
  EXPECT_EQ(d->bytes, text.size());
  EXPECT_EQ(d->sha256.size(), 64u);
}

TEST(CsvDatasetReader, ANumericColumnTurnsCategoricalKeepingEarlierValuesAsText) {
  auto d = read("zip,y\n75001,1\n,0\n2A004,1\n75001,0\n");
  ASSERT_TRUE(d.ok());
  const Column& zip = d->columns[0];
  EXPECT_EQ(zip.type, ColumnType::kCategorical);
  EXPECT_EQ(zip.categories, (std::vector<std::string>{"75001", "2A004"}));
  EXPECT_EQ(zip.codes, (std::vector<std::int32_t>{0, -1, 1, 0}));
  EXPECT_EQ(zip.text(2), "2A004");
}

TEST(CsvDatasetReader, RefusesBadInputWithClearMessages) {
  auto message = [](std::string_view text, DatasetLimits limits = {}) {
    auto d = read(text, 7, limits);
    return d.ok() ? std::string("ok") : d.error().message;
  };
  EXPECT_EQ(message("a,b\n1,2\n3\n"), "CSV line 3 has 1 fields; the header has 2");
  EXPECT_EQ(message("a,b,c\n1,2,3,4\n"), "CSV line 2 has 4 fields; the header has 3");
  EXPECT_EQ(message("a,,c\n1,2,3\n"), "CSV line 1: column 2 of the header has no name; every column needs one");
  EXPECT_EQ(message("a,b,a\n1,2,3\n"), "CSV line 1: the column name 'a' appears twice");
  EXPECT_EQ(message(""), "the CSV is empty: it needs a header line and at least one row");
  EXPECT_EQ(message("a,b\n"), "the CSV has a header but no rows");

  auto too_big = read("a,b\n1,2\n3,4\n", 4, DatasetLimits{10, 100, 10});
  ASSERT_FALSE(too_big.ok());
  EXPECT_EQ(too_big.error().code, ErrorCode::kPayloadTooLarge);
  auto too_long = read("a,b\n1,2\n3,4\n5,6\n", 4, DatasetLimits{1000, 2, 10});
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.error().code, ErrorCode::kPayloadTooLarge);
  EXPECT_EQ(too_long.error().message, "the dataset has more than 2 rows, the limit; sample it or raise the engine's row limit");
  auto too_wide = read("a,b,c\n1,2,3\n", 100, DatasetLimits{1000, 10, 2});
  ASSERT_FALSE(too_wide.ok());
  EXPECT_EQ(too_wide.error().code, ErrorCode::kPayloadTooLarge);
}

}  // namespace
}  // namespace chatdb::ml

namespace chatdb::ml {
namespace {

// Numbers read exactly as from_chars reads them, on the fast path and off it.
TEST(CsvDatasetReader, ReadsNumbersExactly) {
  std::vector<std::string> texts = {"0", "-0", "1.5", "-12.345", "0.1", "123456789012345", "0.000000000000001",
                                    "1234567890123456", "1e3", "-2.5E-3", ".5", "5.", "+7.25", "3.14159265358979",
                                    "99999999999999.9", "0.30000000000000004"};
  std::string text = "x\n";
  for (const auto& t : texts) text += t + "\n";
  CsvDatasetReader reader;
  ASSERT_TRUE(reader.feed(text).ok());
  auto d = reader.finish();
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->columns[0].type, ColumnType::kNumeric);
  for (std::size_t i = 0; i < texts.size(); ++i) {
    std::string_view t = texts[i];
    if (t.front() == '+') t.remove_prefix(1);
    double expected = 0;
    std::from_chars(t.data(), t.data() + t.size(), expected);
    EXPECT_EQ(d->columns[0].numbers[i], expected) << texts[i];
  }
  for (const char* not_number : {"-", ".", "1.2.3", "--1", "1-", "0x1A", "inf"}) {
    CsvDatasetReader r;
    ASSERT_TRUE(r.feed(std::string("x\n") + not_number + "\n").ok());
    EXPECT_EQ(r.finish()->columns[0].type, ColumnType::kCategorical) << not_number;
  }
}

}  // namespace
}  // namespace chatdb::ml
