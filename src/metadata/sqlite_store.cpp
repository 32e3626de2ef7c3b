#include "metadata/sqlite_store.h"

#include "tracing/span.h"

#include <sqlite3.h>

#include <filesystem>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace chatdb::metadata {
namespace {

constexpr int kBusyTimeoutMs = 10000;
constexpr std::size_t kMaxIdleConnections = 4;

Error sqlite_error(sqlite3* db, int rc, std::string_view what) {
  std::string message = std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  int primary = rc & 0xff;
  if (primary == SQLITE_CONSTRAINT) return Error::conflict(message);
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) return Error::unavailable(message);
  if (primary == SQLITE_FULL || primary == SQLITE_IOERR || primary == SQLITE_CANTOPEN) return Error::unavailable(message);
  return Error::internal(message);
}

constexpr std::size_t kMaxCachedStatements = 64;

struct Statement {
  sqlite3_stmt* stmt = nullptr;
  ~Statement() { sqlite3_finalize(stmt); }
};

// A connection and its prepared statements, kept for later transactions: preparing costs more
// than running the small statements of a job submission.
struct Connection {
  sqlite3* db = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> statements;
  ~Connection() {
    for (auto& [sql, stmt] : statements) sqlite3_finalize(stmt);
    sqlite3_close(db);
  }
};

class SqliteTransaction : public Transaction {
 public:
  explicit SqliteTransaction(Connection& conn) : conn_(conn), db_(conn.db) {}

  Status lock(std::int64_t) override { return Status::success(); }  // one writer at a time already

  Result<Rows> query(std::string_view sql, const std::vector<Value>& params) override {
    Rows out;
    auto st = run(sql, params, &out);
    if (!st.ok()) return st.error();
    return out;
  }

  Result<std::int64_t> execute(std::string_view sql, const std::vector<Value>& params) override {
    auto st = run(sql, params, nullptr);
    if (!st.ok()) return st.error();
    return static_cast<std::int64_t>(sqlite3_changes(db_));
  }

 private:
  Status run(std::string_view sql, const std::vector<Value>& params, Rows* out) {
    Statement uncached;
    sqlite3_stmt* stmt = nullptr;
    int rc = SQLITE_OK;
    std::string key(sql);
    if (auto it = conn_.statements.find(key); it != conn_.statements.end()) {
      stmt = it->second;
    } else {
      rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
      if (rc != SQLITE_OK) {
        sqlite3_finalize(stmt);
        return sqlite_error(db_, rc, "prepare");
      }
      if (conn_.statements.size() < kMaxCachedStatements) conn_.statements.emplace(std::move(key), stmt);
      else uncached.stmt = stmt;
    }
    // Ready for the next use (and its read lock released) however this one ends.
    struct Reset {
      sqlite3_stmt* stmt;
      ~Reset() {
        sqlite3_reset(stmt);
        sqlite3_clear_bindings(stmt);
      }
    } reset{stmt};
    // $N placeholders are named parameters in SQLite; bind each by its name.
    for (std::size_t i = 0; i < params.size(); ++i) {
      std::string name = "$" + std::to_string(i + 1);
      int index = sqlite3_bind_parameter_index(stmt, name.c_str());
      if (index == 0) continue;
      const Value& v = params[i];
      if (std::holds_alternative<std::nullptr_t>(v)) rc = sqlite3_bind_null(stmt, index);
      else if (auto n = std::get_if<std::int64_t>(&v)) rc = sqlite3_bind_int64(stmt, index, *n);
      else if (auto d = std::get_if<double>(&v)) rc = sqlite3_bind_double(stmt, index, *d);
      else {
        const auto& text = std::get<std::string>(v);
        rc = sqlite3_bind_text(stmt, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
      }
      if (rc != SQLITE_OK) return sqlite_error(db_, rc, "bind");
    }
    if (out) {
      int n = sqlite3_column_count(stmt);
      for (int c = 0; c < n; ++c) out->columns.emplace_back(sqlite3_column_name(stmt, c));
    }
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      if (!out) continue;
      Row row;
      int n = sqlite3_column_count(stmt);
      for (int c = 0; c < n; ++c) {
        switch (sqlite3_column_type(stmt, c)) {
          case SQLITE_NULL: row.emplace_back(nullptr); break;
          case SQLITE_INTEGER: row.emplace_back(static_cast<std::int64_t>(sqlite3_column_int64(stmt, c))); break;
          case SQLITE_FLOAT: row.emplace_back(sqlite3_column_double(stmt, c)); break;
          default: {
            auto text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
            row.emplace_back(std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt, c))));
          }
        }
      }
      out->rows.push_back(std::move(row));
    }
    if (rc != SQLITE_DONE) return sqlite_error(db_, rc, "step");
    return Status::success();
  }

  Connection& conn_;
  sqlite3* db_;
};

}  // namespace

struct SqliteStore::Impl {
  std::string path;
  std::mutex mutex;
  std::vector<std::unique_ptr<Connection>> idle;
  // SQLite runs one write transaction at a time, and a BEGIN IMMEDIATE that finds the lock
  // taken sleeps in the busy handler (1 ms, 2 ms, ... 100 ms) rather than waiting for it: under
  // concurrent submissions that made p99 latency hundreds of milliseconds. Transactions of
  // this process queue here instead and are handed the lock as soon as it is free; the busy
  // timeout still arbitrates between processes.
  std::mutex writer;

  Result<std::unique_ptr<Connection>> open() {
    sqlite3* db = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
      Error e = sqlite_error(db, rc, "open " + path);
      sqlite3_close(db);
      return e;
    }
    sqlite3_busy_timeout(db, kBusyTimeoutMs);
    sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;", nullptr, nullptr, nullptr);
    auto conn = std::make_unique<Connection>();
    conn->db = db;
    return conn;
  }

  Result<std::unique_ptr<Connection>> take() {
    {
      std::lock_guard lock(mutex);
      if (!idle.empty()) {
        auto conn = std::move(idle.back());
        idle.pop_back();
        return conn;
      }
    }
    return open();
  }

  void give_back(std::unique_ptr<Connection> conn) {
    std::lock_guard lock(mutex);
    if (idle.size() < kMaxIdleConnections) idle.push_back(std::move(conn));
  }
};

SqliteStore::SqliteStore(const std::string& path) : impl_(std::make_unique<Impl>()) {
  impl_->path = path;
  auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
  auto db = impl_->open();
  if (!db.ok()) throw std::runtime_error("cannot open SQLite database: " + db.error().message);
  impl_->give_back(std::move(db.value()));
}

SqliteStore::~SqliteStore() = default;

// A span of the transaction only inside a trace: background polls (relay, scheduler) make none.
Status SqliteStore::transact(const std::function<Status(Transaction&)>& work) {
  tracing::Span span("metadata transaction", tracing::SpanKind::kClient, tracing::Span::Parent::kCurrentOnly);
  span.set("db.system", "sqlite");
  Status status = transact_untraced(work);
  if (!status.ok()) span.fail(to_string(status.error().code), status.error().message);
  return status;
}

Status SqliteStore::transact_untraced(const std::function<Status(Transaction&)>& work) {
  std::lock_guard writing(impl_->writer);
  auto taken = impl_->take();
  if (!taken.ok()) return taken.error();
  std::unique_ptr<Connection> connection = std::move(taken.value());
  sqlite3* conn = connection->db;
  int rc = sqlite3_exec(conn, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) {
    Error e = sqlite_error(conn, rc, "begin");
    impl_->give_back(std::move(connection));
    return e;
  }
  SqliteTransaction tx(*connection);
  Status result = work(tx);
  if (result.ok()) {
    rc = sqlite3_exec(conn, "COMMIT", nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) result = sqlite_error(conn, rc, "commit");
  }
  if (!result.ok()) sqlite3_exec(conn, "ROLLBACK", nullptr, nullptr, nullptr);
  impl_->give_back(std::move(connection));
  return result;
}

Status SqliteStore::check() {
  return transact([](Transaction& tx) -> Status {
    auto r = tx.query("SELECT 1");
    if (!r.ok()) return r.error();
    return Status::success();
  });
}

}  // namespace chatdb::metadata
