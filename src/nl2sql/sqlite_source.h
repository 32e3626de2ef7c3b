#pragma once

#include "nl2sql/data_source.h"

#include <string>

namespace chatdb::nl2sql {

/// A SQLite database file, opened read-only (SQLITE_OPEN_READONLY and PRAGMA query_only) for
/// every call. Statements pass an authorizer that allows only reading, must be one statement
/// for which sqlite3_stmt_readonly holds, and are interrupted by a progress handler at the
/// deadline. Thread-safe: one connection per call.
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
  std::string path_;
};

}  // namespace chatdb::nl2sql
