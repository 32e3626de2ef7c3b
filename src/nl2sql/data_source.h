#pragma once

#include "common/error.h"
#include "nl2sql/schema.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace chatdb::nl2sql {

/// Limits of one execution.
struct ExecOptions {
  std::size_t max_rows = 1000;
  std::chrono::milliseconds timeout{5000};
};

/// The rows of a query; `truncated` when more than max_rows existed.
struct Rows {
  std::vector<std::string> columns;
  std::vector<std::vector<nlohmann::json>> rows;
  bool truncated = false;
  double elapsed_ms = 0;
};

/// A database that questions are asked of, read-only by construction.
///
/// - validate: accepts exactly one read-only SELECT (no data-modifying CTE, SELECT INTO or
///   locking clause), else `invalid_argument` naming what was refused.
/// - execute: validates, then runs in a read-only transaction (or connection) with the
///   timeout (`timeout` error when hit) and row limit. A database that cannot be reached gives
///   `unavailable`; SQL that the database rejects gives `invalid_argument` with its message.
/// - introspect: tables, columns, types, primary and foreign keys, row counts.
/// Thread-safe: each call uses its own connection or a pooled one.
class DataSource {
 public:
  virtual ~DataSource() = default;
  virtual Dialect dialect() const = 0;
  /// The URL without its password, for display.
  virtual std::string display_url() const = 0;
  virtual Status validate(const std::string& sql) = 0;
  virtual Result<Rows> execute(const std::string& sql, const ExecOptions& options) = 0;
  virtual Result<Schema> introspect() = 0;
  virtual Status check() = 0;
};

}  // namespace chatdb::nl2sql
