#include "ml/csv_dataset_reader.h"

#include <array>
#include <charconv>
#include <cctype>
#include <cmath>
#include <limits>
#include <optional>
#include <set>

namespace chatdb::ml {
namespace {

constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool is_missing(std::string_view text, bool quoted) {
  static constexpr std::array<std::string_view, 8> kTokens = {"NA", "N/A", "NaN", "nan", "null", "NULL", "None", "?"};
  if (text.empty()) return true;
  if (quoted) return false;
  for (auto token : kTokens) {
    if (text == token) return true;
  }
  return false;
}

// Plain decimals ("-12.345") of at most 15 digits are exact as digits / 10^k: both are exact
// doubles and one division rounds correctly (Clinger's fast path), which is several times
// faster than from_chars. Anything else (exponents, more digits, hex) goes to from_chars.
std::optional<double> fast_decimal(std::string_view text) {
  static constexpr double kPowers[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  std::size_t i = 0;
  bool negative = text[0] == '-';
  if (negative) ++i;
  std::uint64_t digits = 0;
  int count = 0, fraction = -1;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c >= '0' && c <= '9') {
      digits = digits * 10 + static_cast<std::uint64_t>(c - '0');
      if (++count > 15) return std::nullopt;
      if (fraction >= 0) ++fraction;
    } else if (c == '.' && fraction < 0) {
      fraction = 0;
    } else {
      return std::nullopt;
    }
  }
  if (count == 0) return std::nullopt;
  double value = static_cast<double>(digits) / kPowers[fraction < 0 ? 0 : fraction];
  return negative ? -value : value;
}

std::optional<double> parse_number(std::string_view text) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  if (auto fast = fast_decimal(text)) return fast;
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

Error too_large(const std::string& what) { return Error{ErrorCode::kPayloadTooLarge, what, false}; }

}  // namespace

CsvDatasetReader::CsvDatasetReader(DatasetLimits limits)
    : limits_(limits),
      parser_([this](const std::vector<CsvField>& fields, std::uint64_t line) { return on_record(fields, line); }) {}

Status CsvDatasetReader::feed(std::string_view chunk) {
  dataset_.bytes += chunk.size();
  if (dataset_.bytes > limits_.max_bytes) {
    return too_large("the dataset is larger than the limit of " + std::to_string(limits_.max_bytes) +
                     " bytes; sample it or raise the engine's dataset limit");
  }
  hasher_.update(chunk);
  return parser_.feed(chunk);
}

Result<Dataset> CsvDatasetReader::finish() {
  if (Status s = parser_.finish(); !s) return s.error();
  if (!have_header_) return Error::invalid("the CSV is empty: it needs a header line and at least one row");
  if (dataset_.rows == 0) return Error::invalid("the CSV has a header but no rows");
  dataset_.sha256 = hasher_.finish();
  return std::move(dataset_);
}

Status CsvDatasetReader::on_header(const std::vector<CsvField>& fields) {
  if (fields.size() > limits_.max_columns) {
    return too_large("the CSV has " + std::to_string(fields.size()) + " columns; the limit is " +
                     std::to_string(limits_.max_columns));
  }
  std::set<std::string> seen;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    std::string name(fields[i].quoted ? fields[i].text : trim(fields[i].text));
    if (name.empty()) {
      return Error::invalid("CSV line 1: column " + std::to_string(i + 1) + " of the header has no name; every column needs one");
    }
    if (!seen.insert(name).second) return Error::invalid("CSV line 1: the column name '" + name + "' appears twice");
    Column column;
    column.name = std::move(name);
    dataset_.columns.push_back(std::move(column));
  }
  dictionaries_.resize(fields.size());
  have_header_ = true;
  return Status::success();
}

void CsvDatasetReader::add_category_value(std::size_t column, std::string_view text) {
  Column& c = dataset_.columns[column];
  auto& dictionary = dictionaries_[column];
  auto it = dictionary.find(text);
  if (it == dictionary.end()) {
    it = dictionary.emplace(std::string(text), static_cast<std::int32_t>(c.categories.size())).first;
    c.categories.emplace_back(text);
  }
  c.codes.push_back(it->second);
}

void CsvDatasetReader::to_categorical(std::size_t column) {
  Column& c = dataset_.columns[column];
  std::vector<double> numbers = std::move(c.numbers);
  c.numbers = {};
  c.type = ColumnType::kCategorical;
  c.codes.reserve(numbers.size() + 1);
  for (double v : numbers) {
    if (std::isnan(v)) {
      c.codes.push_back(-1);
    } else {
      add_category_value(column, format_number(v));
    }
  }
}

Status CsvDatasetReader::on_record(const std::vector<CsvField>& fields, std::uint64_t line) {
  if (!have_header_) return on_header(fields);
  if (fields.size() != dataset_.columns.size()) {
    return Error::invalid("CSV line " + std::to_string(line) + " has " + std::to_string(fields.size()) +
                          " fields; the header has " + std::to_string(dataset_.columns.size()));
  }
  if (dataset_.rows >= limits_.max_rows) {
    return too_large("the dataset has more than " + std::to_string(limits_.max_rows) +
                     " rows, the limit; sample it or raise the engine's row limit");
  }
  for (std::size_t i = 0; i < fields.size(); ++i) {
    std::string_view text = fields[i].quoted ? fields[i].text : trim(fields[i].text);
    Column& c = dataset_.columns[i];
    // The common case first: a number in a numeric column (no missing token starts like one).
    if (c.type == ColumnType::kNumeric && !text.empty() && (std::isdigit(static_cast<unsigned char>(text[0])) || text[0] == '-')) {
      if (auto number = parse_number(text)) {
        c.numbers.push_back(*number);
        continue;
      }
    }
    bool missing = is_missing(text, fields[i].quoted);
    if (c.type == ColumnType::kNumeric) {
      if (missing) {
        c.numbers.push_back(kMissing);
        continue;
      }
      if (auto number = parse_number(text)) {
        c.numbers.push_back(*number);
        continue;
      }
      to_categorical(i);
    }
    if (missing) {
      c.codes.push_back(-1);
    } else {
      add_category_value(i, text);
    }
  }
  ++dataset_.rows;
  return Status::success();
}

}  // namespace chatdb::ml
