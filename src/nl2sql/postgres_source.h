#pragma once

#include "nl2sql/data_source.h"

#include <mutex>
#include <string>
#include <vector>

struct pg_conn;

namespace chatdb::nl2sql {

/// A PostgreSQL database over libpq. Every query is checked by SqlValidator, then runs as a
/// cursor inside `BEGIN; SET TRANSACTION READ ONLY; SET LOCAL statement_timeout` and is rolled
/// back; at most max_rows + 1 rows are fetched. Sessions also default to read-only
/// transactions. Give it a read-only role where you can: that is the last line of defence.
/// Thread-safe: connections are pooled, one per call in flight.
class PostgresSource : public DataSource {
 public:
  /// `url` is a libpq connection URI (postgresql://user:password@host:port/db?...).
  explicit PostgresSource(std::string url);
  ~PostgresSource() override;
  PostgresSource(const PostgresSource&) = delete;
  PostgresSource& operator=(const PostgresSource&) = delete;

  Dialect dialect() const override { return Dialect::kPostgres; }
  std::string display_url() const override;
  Status validate(const std::string& sql) override;
  Result<Rows> execute(const std::string& sql, const ExecOptions& options) override;
  Result<Schema> introspect() override;
  Status check() override;

 private:
  Result<pg_conn*> acquire();
  void release(pg_conn* conn);

  std::string url_;
  std::mutex mutex_;
  std::vector<pg_conn*> idle_;
};

}  // namespace chatdb::nl2sql
