#include "metadata/sqlite_store.h"

#include <sqlite3.h>

#include <filesystem>
#include <mutex>
#include <stdexcept>
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

struct Statement {
  sqlite3_stmt* stmt = nullptr;
  ~Statement() { sqlite3_finalize(stmt); }
};

class SqliteTransaction : public Transaction {
 public:
  explicit SqliteTransaction(sqlite3* db) : db_(db) {}

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
    Statement s;
    int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &s.stmt, nullptr);
    if (rc != SQLITE_OK) return sqlite_error(db_, rc, "prepare");
    // $N placeholders are named parameters in SQLite; bind each by its name.
    for (std::size_t i = 0; i < params.size(); ++i) {
      std::string name = "$" + std::to_string(i + 1);
      int index = sqlite3_bind_parameter_index(s.stmt, name.c_str());
      if (index == 0) continue;
      const Value& v = params[i];
      if (std::holds_alternative<std::nullptr_t>(v)) rc = sqlite3_bind_null(s.stmt, index);
      else if (auto n = std::get_if<std::int64_t>(&v)) rc = sqlite3_bind_int64(s.stmt, index, *n);
      else if (auto d = std::get_if<double>(&v)) rc = sqlite3_bind_double(s.stmt, index, *d);
      else {
        const auto& text = std::get<std::string>(v);
        rc = sqlite3_bind_text(s.stmt, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
      }
      if (rc != SQLITE_OK) return sqlite_error(db_, rc, "bind");
    }
    if (out) {
      int n = sqlite3_column_count(s.stmt);
      for (int c = 0; c < n; ++c) out->columns.emplace_back(sqlite3_column_name(s.stmt, c));
    }
    while ((rc = sqlite3_step(s.stmt)) == SQLITE_ROW) {
      if (!out) continue;
      Row row;
      int n = sqlite3_column_count(s.stmt);
      for (int c = 0; c < n; ++c) {
        switch (sqlite3_column_type(s.stmt, c)) {
          case SQLITE_NULL: row.emplace_back(nullptr); break;
          case SQLITE_INTEGER: row.emplace_back(static_cast<std::int64_t>(sqlite3_column_int64(s.stmt, c))); break;
          case SQLITE_FLOAT: row.emplace_back(sqlite3_column_double(s.stmt, c)); break;
          default: {
            auto text = reinterpret_cast<const char*>(sqlite3_column_text(s.stmt, c));
            row.emplace_back(std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(s.stmt, c))));
          }
        }
      }
      out->rows.push_back(std::move(row));
    }
    if (rc != SQLITE_DONE) return sqlite_error(db_, rc, "step");
    return Status::success();
  }

  sqlite3* db_;
};

}  // namespace

struct SqliteStore::Impl {
  std::string path;
  std::mutex mutex;
  std::vector<sqlite3*> idle;

  Result<sqlite3*> open() {
    sqlite3* db = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
      Error e = sqlite_error(db, rc, "open " + path);
      sqlite3_close(db);
      return e;
    }
    sqlite3_busy_timeout(db, kBusyTimeoutMs);
    sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;", nullptr, nullptr, nullptr);
    return db;
  }

  Result<sqlite3*> take() {
    {
      std::lock_guard lock(mutex);
      if (!idle.empty()) {
        sqlite3* db = idle.back();
        idle.pop_back();
        return db;
      }
    }
    return open();
  }

  void give_back(sqlite3* db) {
    std::lock_guard lock(mutex);
    if (idle.size() < kMaxIdleConnections) idle.push_back(db);
    else sqlite3_close(db);
  }
};

SqliteStore::SqliteStore(const std::string& path) : impl_(std::make_unique<Impl>()) {
  impl_->path = path;
  auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
  auto db = impl_->open();
  if (!db.ok()) throw std::runtime_error("cannot open SQLite database: " + db.error().message);
  impl_->give_back(db.value());
}

SqliteStore::~SqliteStore() {
  for (sqlite3* db : impl_->idle) sqlite3_close(db);
}

Status SqliteStore::transact(const std::function<Status(Transaction&)>& work) {
  auto db = impl_->take();
  if (!db.ok()) return db.error();
  sqlite3* conn = db.value();
  int rc = sqlite3_exec(conn, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) {
    Error e = sqlite_error(conn, rc, "begin");
    impl_->give_back(conn);
    return e;
  }
  SqliteTransaction tx(conn);
  Status result = work(tx);
  if (result.ok()) {
    rc = sqlite3_exec(conn, "COMMIT", nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) result = sqlite_error(conn, rc, "commit");
  }
  if (!result.ok()) sqlite3_exec(conn, "ROLLBACK", nullptr, nullptr, nullptr);
  impl_->give_back(conn);
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
