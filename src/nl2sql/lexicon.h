#pragma once

#include "common/error.h"
#include "nl2sql/schema.h"

#include <map>
#include <string>
#include <vector>

namespace chatdb::nl2sql {

/// A table or column that a phrase of the question may name.
struct Term {
  std::string table;
  std::string column;  // empty for a table
  double score = 1;    // 1 for the exact name, less for a synonym or a partial name
  bool is_table() const { return column.empty(); }
};

/// The words that name a schema's tables and columns: identifiers split on '_' and camelCase,
/// stemmed plurals, a small general-English synonym list, and an optional glossary that the
/// owner of the data writes. Also the general-English "dimensions" of adjectives ("expensive"
/// is about price or cost). Immutable once built; thread-safe to read.
class Lexicon {
 public:
  Lexicon() = default;
  /// `glossary` maps phrases to "table" or "table.column"; unknown targets are errors.
  static Result<Lexicon> build(const Schema& schema, const std::map<std::string, std::string>& glossary = {});

  /// Reads a glossary file: a JSON object {"phrase": "table" | "table.column", ...}.
  static Result<std::map<std::string, std::string>> read_glossary(const std::string& path);

  /// Terms named by a phrase of stemmed words ("unit price"), or by it without its hyphens
  /// ("add-on" names `addon`); best score first; empty if none.
  std::vector<Term> lookup(const std::string& stemmed_phrase) const;

  /// The stems of the whole phrase, word by word: "Order Items" -> "order item".
  static std::string stem_phrase(const std::vector<std::string>& words);

  /// Words naming the measure an adjective is about, most likely first: "expensive" ->
  /// {"price", "cost", "amount"}; empty for an adjective of no known dimension.
  static const std::vector<std::string>& dimension_of(const std::string& adjective);
  /// General synonyms of a stemmed word, including itself.
  static std::vector<std::string> synonyms(const std::string& stemmed_word);

 private:
  void add(const std::string& phrase, Term term);
  std::map<std::string, std::vector<Term>> terms_;
};

}  // namespace chatdb::nl2sql
