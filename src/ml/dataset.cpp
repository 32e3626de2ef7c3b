#include "ml/dataset.h"

#include <charconv>
#include <cmath>

namespace chatdb::ml {

bool Column::missing(std::size_t row) const {
  return type == ColumnType::kNumeric ? std::isnan(numbers[row]) : codes[row] < 0;
}

std::string Column::text(std::size_t row) const {
  if (missing(row)) return "";
  return type == ColumnType::kNumeric ? format_number(numbers[row]) : categories[static_cast<std::size_t>(codes[row])];
}

std::size_t Column::present() const {
  std::size_t n = 0;
  for (std::size_t i = 0; i < size(); ++i) n += missing(i) ? 0 : 1;
  return n;
}

std::optional<std::size_t> Dataset::index_of(const std::string& name) const {
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == name) return i;
  }
  return std::nullopt;
}

std::string format_number(double value) {
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, end);
}

}  // namespace chatdb::ml
