#pragma once

#include "artifacts/sha256.h"
#include "common/error.h"
#include "ml/csv_parser.h"
#include "ml/dataset.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace chatdb::ml {

/// What a dataset may hold; beyond it reading stops with kPayloadTooLarge.
struct DatasetLimits {
  std::uint64_t max_bytes = 2ULL << 30;
  std::uint64_t max_rows = 10'000'000;
  std::size_t max_columns = 2000;
};

/// Builds a Dataset from CSV bytes fed in any chunking, so that a file or an S3 object is
/// parsed as it streams and never held whole. The first record is the header (names trimmed,
/// non-empty, unique). A column is numeric while every present value parses as a finite
/// number, and categorical from its first value that does not (earlier numbers become their
/// text). Missing values: an empty field, or unquoted NA, N/A, NaN, nan, null, NULL, None, ?.
/// Unquoted fields are trimmed of spaces and tabs. Errors: malformed CSV, a record with the wrong
/// number of fields, an empty header or no rows are kInvalidArgument naming the line; over a
/// limit, kPayloadTooLarge. The SHA-256 of the bytes is computed on the way. Not thread-safe.
class CsvDatasetReader {
 public:
  explicit CsvDatasetReader(DatasetLimits limits = {});

  Status feed(std::string_view chunk);
  Result<Dataset> finish();

 private:
  Status on_record(const std::vector<CsvField>& fields, std::uint64_t line);
  Status on_header(const std::vector<CsvField>& fields);
  void to_categorical(std::size_t column);
  void add_category_value(std::size_t column, std::string_view text);

  DatasetLimits limits_;
  CsvParser parser_;
  artifacts::Sha256 hasher_;
  Dataset dataset_;
  bool have_header_ = false;
  // Looked up by string_view, without a copy per value.
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::vector<std::unordered_map<std::string, std::int32_t, Hash, std::equal_to<>>> dictionaries_;
};

}  // namespace chatdb::ml
