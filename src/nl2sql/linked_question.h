#pragma once

#include "nl2sql/date_reader.h"
#include "nl2sql/lexicon.h"
#include "nl2sql/value_index.h"

#include <string>
#include <vector>

namespace chatdb::nl2sql {

/// One span of a question after linking: a plain word, a number, a date, or the tables,
/// columns or stored values it may name (best first). `used` is set once a rule has read it.
struct LinkedItem {
  enum class Kind { kWord, kNumber, kDate, kTable, kColumn, kValue, kSymbol };
  Kind kind = Kind::kWord;
  std::string word;  // lower-case text of the span
  std::string raw;
  double number = 0;
  DateRange date;
  std::vector<Term> terms;
  std::vector<ValueMatch> values;
  bool quoted = false;
  bool verb = false;  // named by a verb ("ordered" -> orders, "bordering" -> border)
  bool opposite = false;  // named by its opposite ("inactive" -> is_active, "unpaid" -> paid_on)
  bool used = false;
};

/// A question as linked items, and the content words that linked to nothing: `unknown`
/// ones may name what the question is about ("dorms", "international"); `verbs` read as
/// verbs or adverbs ("housed", "offer", "automatically"), which relate rather than name.
struct LinkedQuestion {
  std::vector<LinkedItem> items;
  std::vector<std::string> unknown;
  std::vector<std::string> verbs;
};

}  // namespace chatdb::nl2sql
