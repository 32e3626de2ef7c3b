#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace chatdb::ml {

enum class ColumnType { kNumeric, kCategorical };

/// One column of a dataset, stored by type: numbers (NaN = missing) or category codes
/// (-1 = missing) into `categories`, which are in order of first appearance.
struct Column {
  std::string name;
  ColumnType type = ColumnType::kNumeric;
  std::vector<double> numbers;
  std::vector<std::int32_t> codes;
  std::vector<std::string> categories;

  std::size_t size() const { return type == ColumnType::kNumeric ? numbers.size() : codes.size(); }
  bool missing(std::size_t row) const;
  /// The value as text ("" when missing); numbers in their shortest exact form.
  std::string text(std::size_t row) const;
  /// Rows that are not missing.
  std::size_t present() const;
};

/// A table read from a CSV: named, typed columns of equal length, and where it came from.
struct Dataset {
  std::vector<Column> columns;
  std::size_t rows = 0;
  std::uint64_t bytes = 0;
  std::string sha256;  // of the bytes as read

  /// The index of the column with this name, if any.
  std::optional<std::size_t> index_of(const std::string& name) const;
};

/// Shortest text that reads back as the same double ("3", "0.1", "1e+21").
std::string format_number(double value);

}  // namespace chatdb::ml
