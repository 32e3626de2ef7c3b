#pragma once

#include "nl2sql/tokenizer.h"

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace chatdb::nl2sql {

/// A half-open range of days [from, to), as "YYYY-MM-DD".
struct DateRange {
  std::string from;
  std::string to;
  std::string words;  // as the question said it
};

/// Reads date phrases at a position of a token list: ISO dates, "March 1 2024", "1 March
/// 2024", "March 2024", years after a time preposition ("in 2024"), and phrases relative to
/// today ("today", "yesterday", "this month", "last year", "last 30 days", "past 2 weeks").
/// Today comes from the clock given at construction, so tests fix it. Thread-safe.
class DateReader {
 public:
  explicit DateReader(std::chrono::sys_days today);

  /// The date phrase starting at tokens[at], and how many tokens it spans.
  std::optional<std::pair<DateRange, std::size_t>> read(const std::vector<Token>& tokens, std::size_t at) const;

 private:
  std::chrono::sys_days today_;
};

}  // namespace chatdb::nl2sql
