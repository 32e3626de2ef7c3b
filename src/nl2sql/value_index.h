#pragma once

#include "common/error.h"
#include "nl2sql/data_source.h"
#include "nl2sql/schema.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace chatdb::nl2sql {

/// Where a literal of the question was found in the data.
struct ValueMatch {
  std::string table;
  std::string column;
  std::string value;  // exactly as stored
  std::int64_t rows = 0;
};

/// The distinct values of every low-cardinality text column, by their lower-case text, so that
/// "customers in germany" finds customers.country = 'Germany'. Immutable once built; safe to
/// read from many threads.
class ValueIndex {
 public:
  struct Options {
    std::size_t max_distinct = 5000;  // columns with more distinct values are not indexed
    std::size_t max_value_chars = 60;
    std::size_t max_words = 6;
  };

  ValueIndex() = default;

  /// Reads the values through `source` (SELECT col, COUNT(*) ... GROUP BY col). A column whose
  /// query fails or times out is left out rather than failing the whole index.
  static ValueIndex build(DataSource& source, const Schema& schema, Options options);
  static ValueIndex build(DataSource& source, const Schema& schema) { return build(source, schema, Options{}); }

  /// Every column holding exactly this text (case-insensitive, blanks collapsed); nullptr if none.
  const std::vector<ValueMatch>* find(const std::string& text) const;
  /// Up to `limit` stored values nearest to `text` by edit distance, for suggestions.
  std::vector<ValueMatch> closest(const std::string& text, std::size_t limit) const;
  std::size_t max_words() const { return max_words_; }
  std::size_t size() const { return values_.size(); }

  /// Lower case, trimmed, inner blanks collapsed: the key of find().
  static std::string normalize(const std::string& text);

 private:
  std::map<std::string, std::vector<ValueMatch>> values_;
  std::size_t max_words_ = 6;
};

}  // namespace chatdb::nl2sql
