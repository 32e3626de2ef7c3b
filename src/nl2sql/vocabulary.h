#pragma once

#include <optional>
#include <string>

namespace chatdb::nl2sql {

/// The general-English words that steer the shape of a question (no word here names anything
/// of a particular database). Pure functions over static tables; thread-safe.

/// Function words: never names or values on their own, never "unknown".
bool is_stop(const std::string& word);
/// Words that steer the question's shape ("how", "many", "average", "per", "not", ...) and so
/// are never read as names or values.
bool is_keyword(const std::string& word);
/// "not", "except", "excluding", ...
bool is_negation(const std::string& word);
/// "never", "no", "without", ...
bool is_absence(const std::string& word);
/// Units written after a number ("500 mg", "20 percent"), which say nothing more.
bool is_unit(const std::string& word);
/// "per", "by", "each", "every"
bool is_grouping(const std::string& word);
/// "in", "from", "at", "through", ... before a place
bool is_location_preposition(const std::string& word);

/// "largest" -> ("large", descending); "most" and "least" carry no dimension of their own.
struct Superlative {
  std::string adjective;  // empty: the measure must come from elsewhere
  bool descending = true;
};
std::optional<Superlative> superlative_of(const std::string& word);

}  // namespace chatdb::nl2sql
