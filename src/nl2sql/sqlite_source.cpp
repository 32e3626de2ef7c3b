#include "nl2sql/sqlite_source.h"

#include "common/query_slots.h"
#include "nl2sql/text.h"

#include <sqlite3.h>

#include <chrono>
#include <memory>
#include <mutex>

namespace chatdb::nl2sql {
namespace {

using Clock = std::chrono::steady_clock;

// What one query may use: no string or blob longer than this (printf('%.*c', 1e9, 'x') fails
// instead of allocating a gigabyte), and all of SQLite's heap in this process together below
// the hard limit (sqlite3_hard_heap_limit64 is process-wide: the metadata store shares it).
constexpr int kMaxValueBytes = 1 << 20;
constexpr int kMaxSqlBytes = 1 << 20;
constexpr sqlite3_int64 kHeapLimitBytes = sqlite3_int64{256} << 20;

struct Closer {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using Connection = std::unique_ptr<sqlite3, Closer>;
using Statement = std::unique_ptr<sqlite3_stmt, Closer>;

// What the authorizer saw, so that a refusal can say what was refused.
struct Guard {
  std::string refused;
  Clock::time_point deadline = Clock::time_point::max();
  bool timed_out = false;
};

int authorize(void* user, int action, const char* arg1, const char* arg2, const char*, const char*) {
  auto* guard = static_cast<Guard*>(user);
  switch (action) {
    case SQLITE_SELECT:
    case SQLITE_READ:
    case SQLITE_RECURSIVE:
      return SQLITE_OK;
    case SQLITE_FUNCTION:
      if (arg2 != nullptr && std::string_view(arg2) == "load_extension") break;
      return SQLITE_OK;
    default:
      break;
  }
  if (guard->refused.empty()) {
    guard->refused = "action " + std::to_string(action);
    if (action == SQLITE_PRAGMA) guard->refused = std::string("PRAGMA ") + (arg1 ? arg1 : "");
    if (action == SQLITE_ATTACH) guard->refused = "ATTACH";
    if (action == SQLITE_INSERT) guard->refused = std::string("INSERT into ") + (arg1 ? arg1 : "");
    if (action == SQLITE_UPDATE) guard->refused = std::string("UPDATE of ") + (arg1 ? arg1 : "");
    if (action == SQLITE_DELETE) guard->refused = std::string("DELETE from ") + (arg1 ? arg1 : "");
    if (action == SQLITE_TRANSACTION) guard->refused = "a transaction statement";
    if (action == SQLITE_FUNCTION) guard->refused = std::string("function ") + (arg2 ? arg2 : "");
  }
  return SQLITE_DENY;
}

int on_progress(void* user) {
  auto* guard = static_cast<Guard*>(user);
  if (Clock::now() < guard->deadline) return 0;
  guard->timed_out = true;
  return 1;
}

Result<Connection> open(const std::string& path) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
  Connection db(raw);
  if (rc != SQLITE_OK) {
    return Error::unavailable("cannot open SQLite database '" + path + "': " + (raw ? sqlite3_errmsg(raw) : "out of memory"));
  }
  static std::once_flag heap_limit;
  std::call_once(heap_limit, [] { sqlite3_hard_heap_limit64(kHeapLimitBytes); });
  sqlite3_limit(db.get(), SQLITE_LIMIT_LENGTH, kMaxValueBytes);
  sqlite3_limit(db.get(), SQLITE_LIMIT_SQL_LENGTH, kMaxSqlBytes);
  sqlite3_busy_timeout(db.get(), 2000);
  sqlite3_exec(db.get(), "PRAGMA query_only = 1", nullptr, nullptr, nullptr);
  return db;
}

bool only_trailing_noise(const char* tail) {
  // After the one statement only blanks, semicolons and comments may follow.
  std::string_view rest(tail);
  while (!rest.empty()) {
    char c = rest.front();
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ';') {
      rest.remove_prefix(1);
    } else if (rest.starts_with("--")) {
      auto nl = rest.find('\n');
      rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl);
    } else if (rest.starts_with("/*")) {
      auto end = rest.find("*/");
      if (end == std::string_view::npos) return false;
      rest.remove_prefix(end + 2);
    } else {
      return false;
    }
  }
  return true;
}

// Prepares `sql` under the guard and checks that it is one read-only query.
Result<Statement> prepare_readonly(sqlite3* db, const std::string& sql, Guard& guard) {
  sqlite3_set_authorizer(db, authorize, &guard);
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  int rc = sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &raw, &tail);
  Statement stmt(raw);
  if (!guard.refused.empty()) {
    return Error::invalid("only read-only SELECT statements are allowed; refused " + guard.refused);
  }
  if (rc != SQLITE_OK) return Error::invalid(std::string("SQLite rejected the SQL: ") + sqlite3_errmsg(db));
  if (stmt == nullptr) return Error::invalid("the SQL is empty");
  if (!only_trailing_noise(tail)) return Error::invalid("only a single SQL statement is allowed");
  if (!sqlite3_stmt_readonly(stmt.get()) || sqlite3_column_count(stmt.get()) == 0) {
    return Error::invalid("only read-only SELECT statements are allowed");
  }
  return stmt;
}

nlohmann::json value_of(sqlite3_stmt* stmt, int i) {
  switch (sqlite3_column_type(stmt, i)) {
    case SQLITE_INTEGER: return sqlite3_column_int64(stmt, i);
    case SQLITE_FLOAT: return sqlite3_column_double(stmt, i);
    case SQLITE_NULL: return nullptr;
    case SQLITE_BLOB: return "<" + std::to_string(sqlite3_column_bytes(stmt, i)) + " bytes>";
    default: {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
      // nlohmann::json throws on invalid UTF-8 when dumping, and a database may hold any bytes.
      return valid_utf8(std::string(text ? text : "", static_cast<std::size_t>(sqlite3_column_bytes(stmt, i))));
    }
  }
}

// Runs an internal catalogue query on a connection without the guard (our own SQL only).
Result<std::vector<std::vector<nlohmann::json>>> catalogue(sqlite3* db, const std::string& sql,
                                                           const std::vector<std::string>& params) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &raw, nullptr) != SQLITE_OK) {
    return Error::internal(std::string("SQLite catalogue query failed: ") + sqlite3_errmsg(db));
  }
  Statement stmt(raw);
  for (std::size_t i = 0; i < params.size(); ++i) {
    sqlite3_bind_text(stmt.get(), static_cast<int>(i + 1), params[i].c_str(), -1, SQLITE_TRANSIENT);
  }
  std::vector<std::vector<nlohmann::json>> rows;
  int rc;
  while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
    std::vector<nlohmann::json> row;
    for (int i = 0; i < sqlite3_column_count(stmt.get()); ++i) row.push_back(value_of(stmt.get(), i));
    rows.push_back(std::move(row));
  }
  if (rc != SQLITE_DONE) return Error::unavailable(std::string("SQLite catalogue query failed: ") + sqlite3_errmsg(db));
  return rows;
}

}  // namespace

// Idle read-only connections for validation; a connection is used by one call at a time.
struct SqliteSource::Pool {
  static constexpr std::size_t kMaxIdle = 8;
  std::mutex mutex;
  std::vector<Connection> idle;
};

SqliteSource::SqliteSource(std::string path) : path_(std::move(path)), pool_(std::make_shared<Pool>()) {}

Status SqliteSource::validate(const std::string& sql) {
  Connection db;
  {
    std::lock_guard lock(pool_->mutex);
    if (!pool_->idle.empty()) {
      db = std::move(pool_->idle.back());
      pool_->idle.pop_back();
    }
  }
  if (!db) {
    auto opened = open(path_);
    if (!opened) return opened.error();
    db = std::move(*opened);
  }
  Status result = Status::success();
  {
    Guard guard;
    auto stmt = prepare_readonly(db.get(), sql, guard);
    if (!stmt) result = stmt.error();
  }
  sqlite3_set_authorizer(db.get(), nullptr, nullptr);  // its guard is gone
  std::lock_guard lock(pool_->mutex);
  if (pool_->idle.size() < Pool::kMaxIdle) pool_->idle.push_back(std::move(db));
  return result;
}

Result<Rows> SqliteSource::execute(const std::string& sql, const ExecOptions& options) {
  auto started = Clock::now();
  auto slot = QuerySlots::take();
  if (!slot) return slot.error();
  auto db = open(path_);
  if (!db) return db.error();
  Guard guard;
  auto stmt = prepare_readonly(db->get(), sql, guard);
  if (!stmt) return stmt.error();
  guard.deadline = started + options.timeout;
  sqlite3_progress_handler(db->get(), 1000, on_progress, &guard);

  Rows out;
  sqlite3_stmt* s = stmt->get();
  for (int i = 0; i < sqlite3_column_count(s); ++i) out.columns.emplace_back(sqlite3_column_name(s, i));
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    if (out.rows.size() == options.max_rows) {
      out.truncated = true;
      break;
    }
    std::vector<nlohmann::json> row;
    row.reserve(out.columns.size());
    for (int i = 0; i < static_cast<int>(out.columns.size()); ++i) row.push_back(value_of(s, i));
    out.rows.push_back(std::move(row));
  }
  if (guard.timed_out) {
    return Error::timeout("the query ran longer than " + std::to_string(options.timeout.count()) +
                          " ms; ask for fewer rows or a narrower filter");
  }
  if (rc == SQLITE_NOMEM || rc == SQLITE_TOOBIG) {
    return Error::invalid("the query needs more memory than one query may use (values up to " +
                          std::to_string(kMaxValueBytes) + " bytes); ask for less");
  }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    return Error::invalid(std::string("SQLite rejected the query: ") + sqlite3_errmsg(db->get()));
  }
  out.elapsed_ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
  return out;
}

Result<Schema> SqliteSource::introspect() {
  auto db = open(path_);
  if (!db) return db.error();
  auto names = catalogue(db->get(),
                         "SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') "
                         "AND name NOT LIKE 'sqlite_%' ORDER BY name", {});
  if (!names) return names.error();
  std::vector<Table> tables;
  std::vector<ForeignKey> keys;
  for (const auto& row : *names) {
    Table t;
    t.name = row[0].get<std::string>();
    auto cols = catalogue(db->get(), "SELECT name, type, \"notnull\", pk FROM pragma_table_info(?)", {t.name});
    if (!cols) return cols.error();
    for (const auto& c : *cols) {
      Column col;
      col.name = c[0].get<std::string>();
      col.type = c[1].is_string() ? c[1].get<std::string>() : "";
      col.kind = kind_of_type(col.type);
      col.nullable = c[2].get<std::int64_t>() == 0;
      col.primary_key = c[3].get<std::int64_t>() > 0;
      t.columns.push_back(std::move(col));
    }
    auto fks = catalogue(db->get(), "SELECT \"table\", \"from\", \"to\", id FROM pragma_foreign_key_list(?)", {t.name});
    if (!fks) return fks.error();
    for (const auto& f : *fks) {
      ForeignKey fk{t.name, f[1].get<std::string>(), f[0].get<std::string>(),
                    f[2].is_string() ? f[2].get<std::string>() : "", false};
      keys.push_back(std::move(fk));
    }
    auto count = catalogue(db->get(), "SELECT COUNT(*) FROM " + quote_identifier(t.name), {});
    if (count && !count->empty()) t.row_count = (*count)[0][0].get<std::int64_t>();
    tables.push_back(std::move(t));
  }
  // A key declared without its target column refers to the target's primary key.
  for (auto& fk : keys) {
    if (!fk.ref_column.empty()) continue;
    for (const auto& t : tables) {
      if (t.name == fk.ref_table && t.primary_key() != nullptr) fk.ref_column = t.primary_key()->name;
    }
  }
  return Schema(std::move(tables), std::move(keys));
}

Status SqliteSource::check() {
  auto db = open(path_);
  if (!db) return db.error();
  auto rows = catalogue(db->get(), "SELECT COUNT(*) FROM sqlite_schema", {});
  if (!rows) return rows.error();
  return Status::success();
}

}  // namespace chatdb::nl2sql
