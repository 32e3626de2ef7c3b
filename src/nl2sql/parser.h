#pragma once

#include "common/error.h"
#include "nl2sql/choices.h"
#include "nl2sql/lexicon.h"
#include "nl2sql/linked_question.h"
#include "nl2sql/schema.h"
#include "nl2sql/value_index.h"

#include <chrono>
#include <string>
#include <vector>

namespace chatdb::nl2sql {

/// Another reading of the question than the answer's.
struct Alternative {
  std::string sql;
  std::string explanation;
  double confidence = 0;
};

/// A question turned into SQL. When the question can be read several ways and none is sure
/// enough, `sql` is empty and `clarification` asks which reading is meant; `alternatives`
/// holds the readings (best first).
struct Answer {
  std::string sql;
  std::string explanation;
  double confidence = 0;  // 0..1; below the threshold the parser abstains instead
  std::vector<std::string> tables;
  bool verbatim = false;  // the question was itself a SELECT statement
  std::vector<Alternative> alternatives;
  std::string clarification;
};

/// The embedded rule-based parser: links the words of a question to tables, columns and
/// stored values (through the Lexicon and ValueIndex), reads numbers and dates, recognises
/// the question's shape (list, count, aggregates, per/by, top N and superlatives,
/// comparisons, negation, dates, distinct, missing values, having, never/without, joins along
/// foreign keys) and renders one SELECT. Nothing in it names a particular database. When
/// its confidence is below `min_confidence` it abstains with `invalid_argument` and a message
/// that says what it could not link and what is closest. Thread-safe; cheap to construct.
class Parser {
 public:
  Parser(const Schema& schema, const ValueIndex& values, const Lexicon& lexicon, Dialect dialect,
         std::chrono::sys_days today, double min_confidence = 0.62);

  Result<Answer> parse(const std::string& question) const;

 private:
  static double rounded(double confidence);
  /// The readings that differ from the first in one recorded choice.
  std::vector<Alternative> alternatives(const LinkedQuestion& linked, const std::vector<Choice>& made,
                                        const std::string& first_sql) const;

  const Schema& schema_;
  const ValueIndex& values_;
  const Lexicon& lexicon_;
  Dialect dialect_;
  std::chrono::sys_days today_;
  double min_confidence_;
};

}  // namespace chatdb::nl2sql
