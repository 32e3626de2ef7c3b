#pragma once

#include "common/error.h"
#include "nl2sql/query_plan.h"
#include "nl2sql/schema.h"

#include <string>
#include <vector>

namespace chatdb::nl2sql {

/// A rendered query: SQL for the dialect, what it does in plain English, the tables it reads.
struct RenderedQuery {
  std::string sql;
  std::string explanation;
  std::vector<std::string> tables;
};

/// Renders a QueryPlan as one SELECT in the source's dialect, joining tables along the shortest
/// foreign-key paths from the subject, and explains it. Literals are escaped; identifiers are
/// quoted when they need it. Errors (`invalid_argument`) when a table cannot be reached.
/// Stateless after construction; thread-safe.
class SqlBuilder {
 public:
  SqlBuilder(const Schema& schema, Dialect dialect);

  Result<RenderedQuery> render(const QueryPlan& plan) const;

  /// An identifier as it must appear in SQL: bare when plain, else double-quoted.
  std::string identifier(const std::string& name) const;

 private:
  /// A date column's year ("2024") or month ("2024-03") as text, for grouping by time.
  std::string date_part(const std::string& column_sql, const ColumnRef& c) const;
  /// The join path from the plan's subject to `table`, through the plan's named keys first.
  std::optional<std::vector<JoinStep>> path_to(const QueryPlan& plan, const std::string& table) const;

  const Schema& schema_;
  Dialect dialect_;
};

}  // namespace chatdb::nl2sql
