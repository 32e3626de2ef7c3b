#pragma once

#include "common/error.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace chatdb::metadata {

/// A SQL value: NULL, integer, real or text.
using Value = std::variant<std::nullptr_t, std::int64_t, double, std::string>;
using Row = std::vector<Value>;

struct Rows {
  std::vector<std::string> columns;
  std::vector<Row> rows;
};

/// The statements of one transaction. SQL is written once for both backends: placeholders are
/// $1, $2, ... and only the SQL both dialects share is used. Not thread-safe: one per call.
class Transaction {
 public:
  virtual ~Transaction() = default;
  virtual Result<Rows> query(std::string_view sql, const std::vector<Value>& params = {}) = 0;
  /// Returns the number of rows changed.
  virtual Result<std::int64_t> execute(std::string_view sql, const std::vector<Value>& params = {}) = 0;
  /// Holds the lock `key` until this transaction ends, so that transactions taking the same key
  /// run one at a time across processes (PostgreSQL: an advisory lock; SQLite's transactions
  /// already run one writer at a time).
  virtual Status lock(std::int64_t key) = 0;
};

enum class Dialect { kSqlite, kPostgres };

/// Durable metadata (jobs, outbox, registry) in SQLite or PostgreSQL.
///
/// `transact` runs `work` in one transaction: it commits when `work` returns success and rolls
/// back otherwise, returning `work`'s error. `work` may run more than once (a dead pooled
/// connection or a serialization failure is retried), so it must only touch the database. Errors: the database unreachable or busy ->
/// kUnavailable (retryable); a unique or primary key violated -> kConflict. A serialization
/// failure is retried here a few times before it is reported. Thread-safe; each call gets its
/// own connection. When the database comes back after an outage, later calls succeed again.
class MetadataStore {
 public:
  virtual ~MetadataStore() = default;
  virtual Status transact(const std::function<Status(Transaction&)>& work) = 0;
  /// Reachability, for /ready.
  virtual Status check() = 0;
  virtual Dialect dialect() const = 0;
};

/// Runs `fn(tx) -> Result<T>` in one transaction of `store` and returns the value of its last
/// run (`transact` may run it again); its error rolls the transaction back.
template <class Fn>
auto in_transaction(MetadataStore& store, Fn&& fn) -> decltype(fn(std::declval<Transaction&>())) {
  std::optional<decltype(fn(std::declval<Transaction&>()))> out;
  Status st = store.transact([&](Transaction& tx) -> Status {
    out.emplace(fn(tx));
    if (!out->ok()) return out->error();
    return Status::success();
  });
  if (!st.ok()) return st.error();
  return std::move(*out);
}

/// Reads a column of a row as a given type; NULL gives the fallback.
std::int64_t as_int(const Value& v, std::int64_t fallback = 0);
double as_double(const Value& v, double fallback = 0);
std::string as_text(const Value& v, const std::string& fallback = "");
bool is_null(const Value& v);

}  // namespace chatdb::metadata
