#pragma once

#include <optional>
#include <string>
#include <vector>

namespace chatdb::nl2sql {

/// The part of a date that a column stands for when grouping by time ("per year", "by month").
enum class DatePart { kNone, kYear, kMonth };

struct ColumnRef {
  std::string table;
  std::string column;
  DatePart part = DatePart::kNone;
  bool operator==(const ColumnRef&) const = default;
};

enum class Aggregate { kNone, kCount, kCountDistinct, kSum, kAvg, kMin, kMax };

/// A literal of a condition: text, number or date ("YYYY-MM-DD"), rendered for the dialect.
struct Literal {
  enum class Kind { kText, kNumber, kDate, kBoolean } kind = Kind::kText;
  std::string text;  // text, the number as written, the date, or "true"/"false"
};

/// One selected expression: a column, an aggregate of a column, or COUNT(*) (no column).
struct Output {
  Aggregate aggregate = Aggregate::kNone;
  std::optional<ColumnRef> column;
};

/// One WHERE condition on the subject or a joined table.
struct Condition {
  enum class Kind {
    kCompare,     // column op value ('=', '<>', '<', '<=', '>', '>=')
    kIn,          // column [NOT] IN (values)
    kBetween,     // column >= values[0] AND column < values[1] (dates) or BETWEEN (numbers)
    kIsNull,      // column IS [NOT] NULL
    kNotExists,   // no row of `related_table` refers to the subject row
    kLike,        // column LIKE '%value%' (case-insensitive)
    kAtExtreme,   // column = (SELECT MAX/MIN(column) FROM the same rows): superlative with ties
    kVersusAverage,  // column op (SELECT AVG(column) FROM its table)
  };
  Kind kind = Kind::kCompare;
  ColumnRef column;
  std::string op = "=";
  std::vector<Literal> values;
  bool negated = false;
  std::string related_table;    // kNotExists
  bool descending = true;       // kAtExtreme: MAX when true
};

/// ORDER BY an output-like expression.
struct Ordering {
  Aggregate aggregate = Aggregate::kNone;
  std::optional<ColumnRef> column;  // COUNT(*) of the group when absent
  bool descending = true;
};

/// HAVING aggregate(column) op number.
struct HavingClause {
  Aggregate aggregate = Aggregate::kCount;
  std::optional<ColumnRef> column;
  std::string op = ">";
  std::string number;
};

/// A single SELECT over a subject table and tables joined to it along foreign keys. The
/// parser fills it; SqlBuilder renders it and explains it.
struct QueryPlan {
  std::string subject;  // the FROM table; others join along the shortest key paths
  std::vector<Output> outputs;
  bool distinct = false;
  std::vector<Condition> conditions;
  std::vector<ColumnRef> group_by;
  std::optional<HavingClause> having;
  std::optional<Ordering> order;
  std::optional<long long> limit;
  std::vector<std::string> extra_tables;  // tables to join even when no column needs them
  std::vector<ColumnRef> via;             // keys of the subject that joins go through ("referred by")
};

}  // namespace chatdb::nl2sql
