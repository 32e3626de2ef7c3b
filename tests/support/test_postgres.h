#pragma once

#include <string>

namespace chatdb::testing {

/// A throwaway PostgreSQL 15 server for tests: initdb in a temporary directory, listening on
/// a free port of 127.0.0.1, as user postgres when the test runs as root. fsync is off unless
/// `durable` (benchmarks of durable writes want it on). The
/// destructor stops it and deletes its files. stop()/start() keep the data and the port, for
/// outage tests. Throws std::runtime_error when it cannot start. Not thread-safe.
class TestPostgres {
 public:
  explicit TestPostgres(bool durable = false);
  ~TestPostgres();
  TestPostgres(const TestPostgres&) = delete;
  TestPostgres& operator=(const TestPostgres&) = delete;

  /// postgresql://postgres@127.0.0.1:PORT/DATABASE
  std::string url(const std::string& database = "postgres") const;
  int port() const { return port_; }
  /// Creates a database and returns its URL.
  std::string create_database(const std::string& name);
  /// Creates a database with a name no other call in this process used, and returns its URL.
  std::string create_fresh_database();
  /// One server for the whole test process, started on first use: suites that only need a
  /// database each call create_fresh_database() on it.
  static TestPostgres& shared();
  void stop();
  void start();

 private:
  void run(const std::string& command) const;

  std::string dir_;
  std::string bin_;
  int port_ = 0;
  bool running_ = false;
  bool durable_ = false;
};

}  // namespace chatdb::testing
