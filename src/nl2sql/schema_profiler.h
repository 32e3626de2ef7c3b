#pragma once

#include "nl2sql/data_source.h"
#include "nl2sql/schema.h"

namespace chatdb::nl2sql {

/// Reads a sample of the data to learn what declared types and constraints do not say:
/// - a TEXT column whose values are all ISO dates is a date (or timestamp), one whose values
///   are all numbers is a number (`stored_as_text`, so SQL converts it before use);
/// - a column holding only 0 and 1 (or of a boolean type) is a flag;
/// - how often a date column has a value (an end date is often missing, a start date not);
/// - an undeclared reference: a column whose values all appear in another table's key, when
///   its name points there ("hub" in `origin_hub` -> hubs) or reads as a reference
///   (`approved_by`, `assigned_to`, `*_ref`).
/// Each question to the data is bounded (a sample of distinct values, a short timeout); a
/// column whose query fails keeps what the catalogue said. Stateless.
class SchemaProfiler {
 public:
  static Schema profile(DataSource& source, const Schema& schema);
};

}  // namespace chatdb::nl2sql
