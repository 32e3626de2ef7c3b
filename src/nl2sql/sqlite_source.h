#pragma once

#include "nl2sql/data_source.h"

#include <memory>
#include <string>

namespace chatdb::nl2sql {

/// A SQLite database file, opened read-only (SQLITE_OPEN_READONLY and PRAGMA query_only).
/// Statements pass an authorizer that allows only reading, must be one statement for which
/// sqlite3_stmt_readonly holds, and are interrupted by a progress handler at the deadline.
/// Thread-safe: each call has a connection of its own; validation (on every parse) reuses
/// pooled connections, as opening one reads the schema under SQLite's process-wide locks;
/// execution opens one per call.
class SqliteSource : public DataSource {
 public:
  /// `path` is the file (the part after sqlite://); it must exist.
  explicit SqliteSource(std::string path);

  Dialect dialect() const override { return Dialect::kSqlite; }
  std::string display_url() const override { return "sqlite://" + path_; }
  Status validate(const std::string& sql) override;
  Result<Rows> execute(const std::string& sql, const ExecOptions& options) override;
  Result<Schema> introspect() override;
  Status check() override;

 private:
  struct Pool;

  std::string path_;
  std::shared_ptr<Pool> pool_;
};

}  // namespace chatdb::nl2sql
