// The CSV dataset reader (RFC 4180 push parser, header, typing, limits). The first byte picks
// a chunk size: the input read in chunks of that size must give exactly what it gives read
// whole, since files and S3 objects arrive in arbitrary pieces.
#include "ml/csv_dataset_reader.h"
#include "tests/fuzz/fuzz_check.h"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

using chatdb::ml::CsvDatasetReader;
using chatdb::ml::Dataset;

chatdb::Result<Dataset> read(std::string_view text, std::size_t chunk) {
  chatdb::ml::DatasetLimits limits;
  limits.max_rows = 5000;
  limits.max_columns = 200;
  CsvDatasetReader reader(limits);
  for (std::size_t at = 0; at < text.size(); at += chunk) {
    if (auto fed = reader.feed(text.substr(at, chunk)); !fed) return fed.error();
  }
  return reader.finish();
}

bool same(const Dataset& a, const Dataset& b) {
  if (a.rows != b.rows || a.bytes != b.bytes || a.sha256 != b.sha256 || a.columns.size() != b.columns.size()) return false;
  for (std::size_t c = 0; c < a.columns.size(); ++c) {
    const auto& x = a.columns[c];
    const auto& y = b.columns[c];
    if (x.name != y.name || x.type != y.type || x.codes != y.codes || x.categories != y.categories) return false;
    if (x.numbers.size() != y.numbers.size()) return false;
    for (std::size_t r = 0; r < x.numbers.size(); ++r) {
      if (!(x.numbers[r] == y.numbers[r] || (std::isnan(x.numbers[r]) && std::isnan(y.numbers[r])))) return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t chunk = 1 + data[0] % 16;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto whole = read(text, text.size() + 1);
  auto pieces = read(text, chunk);
  FUZZ_CHECK(whole.ok() == pieces.ok());
  if (!whole) {
    FUZZ_CHECK(whole.error().code == pieces.error().code && whole.error().message == pieces.error().message);
    FUZZ_CHECK(whole.error().code == chatdb::ErrorCode::kInvalidArgument ||
               whole.error().code == chatdb::ErrorCode::kPayloadTooLarge);
    FUZZ_CHECK(chatdb::fuzz::clean_message(whole.error().message, text));
    return 0;
  }
  FUZZ_CHECK(same(*whole, *pieces));
  FUZZ_CHECK(whole->rows > 0 && whole->bytes == text.size());
  for (const auto& column : whole->columns) {
    FUZZ_CHECK(!column.name.empty() && column.size() == whole->rows);
    for (std::int32_t code : column.codes) FUZZ_CHECK(code >= -1 && code < static_cast<std::int32_t>(column.categories.size()));
    if (column.type == chatdb::ml::ColumnType::kNumeric) {
      for (double v : column.numbers) FUZZ_CHECK(std::isnan(v) || std::isfinite(v));
    }
  }
  return 0;
}
