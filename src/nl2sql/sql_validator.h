#pragma once

#include "common/error.h"

#include <string>

namespace chatdb::nl2sql {

/// Checks SQL with PostgreSQL's own parser (libpg_query) before it reaches a PostgreSQL
/// database: exactly one SelectStmt, and nowhere inside it a data-modifying statement (as in a
/// data-modifying CTE), an INTO clause, a locking clause (FOR UPDATE/SHARE) or a call to a
/// function that acts outside the query (pg_sleep, pg_terminate_backend, set_config, nextval,
/// dblink, lo_import, ...). Stateless and thread-safe.
class SqlValidator {
 public:
  /// Success, or `invalid_argument` naming what was refused.
  static Status check_postgres_select(const std::string& sql);

  /// Whether PostgreSQL's grammar reads `text` as SQL (of any kind).
  static bool parses(const std::string& text);
};

}  // namespace chatdb::nl2sql
