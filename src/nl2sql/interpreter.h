#pragma once

#include "common/error.h"
#include "nl2sql/choices.h"
#include "nl2sql/lexicon.h"
#include "nl2sql/linked_question.h"
#include "nl2sql/query_plan.h"
#include "nl2sql/schema.h"
#include "nl2sql/value_index.h"

#include <string>
#include <vector>

namespace chatdb::nl2sql {

/// A query plan read from a linked question, how sure the reading is (0..1) and why it is not
/// surer.
struct Interpretation {
  QueryPlan plan;
  double confidence = 1;
  std::vector<std::string> doubts;
};

/// Reads the shape of a linked question: its subject table, counts and aggregates, per/by
/// groups, top N and superlatives, comparisons, negation, dates, missing values, having,
/// never/without, and what to show. Every rule is general English over the schema and the
/// data; none names a particular database. Errors (`invalid_argument`) when a shape is
/// recognised but cannot be answered (a nested superlative, a date with no date column), with
/// a hint of what would work. Pure function; thread-safe.
/// Where the reading could go another way, `choices` records it (and, when forced, takes the
/// other way).
Result<Interpretation> interpret(const Schema& schema, const ValueIndex& values, LinkedQuestion question,
                                 Choices& choices);

}  // namespace chatdb::nl2sql
