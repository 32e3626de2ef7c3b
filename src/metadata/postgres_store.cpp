#include "metadata/postgres_store.h"

#include "tracing/span.h"

#include <libpq-fe.h>

#include <cstdio>
#include <cstring>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

namespace chatdb::metadata {
namespace {

constexpr int kSerializationRetries = 3;

// Type oids from pg_type.h (server headers are not a dependency of the client).
constexpr Oid kBoolOid = 16, kInt8Oid = 20, kInt2Oid = 21, kInt4Oid = 23, kFloat4Oid = 700, kFloat8Oid = 701;

struct Connection {
  PGconn* conn = nullptr;
  std::unordered_map<std::string, std::string> prepared;  // SQL -> statement name
  ~Connection() { PQfinish(conn); }
};

bool is_unavailable_state(const char* state) {
  // 08: connection exception; 57P: operator intervention (shutdown); 53: insufficient resources.
  return state && (std::strncmp(state, "08", 2) == 0 || std::strncmp(state, "57P", 3) == 0 ||
                   std::strncmp(state, "53", 2) == 0);
}

Error result_error(PGconn* conn, PGresult* res, std::string_view what) {
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  std::string message = std::string(what) + ": " + PQerrorMessage(conn);
  while (!message.empty() && message.back() == '\n') message.pop_back();
  if (PQstatus(conn) != CONNECTION_OK || is_unavailable_state(state)) {
    return Error::unavailable("metadata database unreachable (" + message + ")");
  }
  if (state && std::strcmp(state, "23505") == 0) return Error::conflict(message);
  if (state && (std::strcmp(state, "40001") == 0 || std::strcmp(state, "40P01") == 0)) {
    return Error{ErrorCode::kUnavailable, message, true};
  }
  return Error::internal(message);
}

bool is_serialization_failure(const Error& e) {
  return e.message.find("could not serialize") != std::string::npos || e.message.find("deadlock") != std::string::npos;
}

// Rewrites nothing: PostgreSQL takes $N natively. Values travel as text; the server infers
// each parameter's type from where it is used.
class PostgresTransaction : public Transaction {
 public:
  explicit PostgresTransaction(Connection& c) : c_(c) {}

  Status lock(std::int64_t key) override {
    auto locked = query("SELECT pg_advisory_xact_lock($1)", {key});
    if (!locked.ok()) return locked.error();
    return Status::success();
  }

  Result<Rows> query(std::string_view sql, const std::vector<Value>& params) override {
    PGresult* res = nullptr;
    auto st = run(sql, params, &res);
    if (!st.ok()) return st.error();
    Rows out;
    int cols = PQnfields(res);
    for (int c = 0; c < cols; ++c) out.columns.emplace_back(PQfname(res, c));
    int n = PQntuples(res);
    out.rows.reserve(static_cast<std::size_t>(n));
    for (int r = 0; r < n; ++r) {
      Row row;
      row.reserve(static_cast<std::size_t>(cols));
      for (int c = 0; c < cols; ++c) {
        if (PQgetisnull(res, r, c)) {
          row.emplace_back(nullptr);
          continue;
        }
        const char* text = PQgetvalue(res, r, c);
        Oid type = PQftype(res, c);
        if (type == kInt8Oid || type == kInt4Oid || type == kInt2Oid) row.emplace_back(static_cast<std::int64_t>(std::strtoll(text, nullptr, 10)));
        else if (type == kFloat8Oid || type == kFloat4Oid) row.emplace_back(std::strtod(text, nullptr));
        else if (type == kBoolOid) row.emplace_back(static_cast<std::int64_t>(text[0] == 't'));
        else row.emplace_back(std::string(text, static_cast<std::size_t>(PQgetlength(res, r, c))));
      }
      out.rows.push_back(std::move(row));
    }
    PQclear(res);
    return out;
  }

  Result<std::int64_t> execute(std::string_view sql, const std::vector<Value>& params) override {
    PGresult* res = nullptr;
    auto st = run(sql, params, &res);
    if (!st.ok()) return st.error();
    std::int64_t changed = std::strtoll(PQcmdTuples(res), nullptr, 10);
    PQclear(res);
    return changed;
  }

 private:
  Status run(std::string_view sql, const std::vector<Value>& params, PGresult** out) {
    std::string key(sql);
    auto it = c_.prepared.find(key);
    if (it == c_.prepared.end()) {
      std::string name = "s" + std::to_string(c_.prepared.size() + 1);
      PGresult* prep = PQprepare(c_.conn, name.c_str(), key.c_str(), 0, nullptr);
      if (PQresultStatus(prep) != PGRES_COMMAND_OK) {
        Error e = result_error(c_.conn, prep, "prepare");
        PQclear(prep);
        return e;
      }
      PQclear(prep);
      it = c_.prepared.emplace(key, name).first;
    }
    std::vector<std::string> texts(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    for (std::size_t i = 0; i < params.size(); ++i) {
      const Value& v = params[i];
      if (std::holds_alternative<std::nullptr_t>(v)) continue;
      if (auto n = std::get_if<std::int64_t>(&v)) texts[i] = std::to_string(*n);
      else if (auto d = std::get_if<double>(&v)) {
        char buf[40];
        std::snprintf(buf, sizeof buf, "%.17g", *d);
        texts[i] = buf;
      } else texts[i] = std::get<std::string>(v);
      values[i] = texts[i].c_str();
    }
    PGresult* res = PQexecPrepared(c_.conn, it->second.c_str(), static_cast<int>(params.size()), values.data(), nullptr,
                                   nullptr, 0);
    auto status = PQresultStatus(res);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      Error e = result_error(c_.conn, res, "statement");
      PQclear(res);
      return e;
    }
    *out = res;
    return Status::success();
  }

  Connection& c_;
};

Status simple(Connection& c, const char* sql) {
  PGresult* res = PQexec(c.conn, sql);
  Status st;
  if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK) st = result_error(c.conn, res, sql);
  PQclear(res);
  return st;
}

}  // namespace

struct PostgresStore::Impl {
  std::string url;
  std::size_t max_idle;
  std::chrono::seconds connect_timeout;
  std::mutex mutex;
  std::vector<std::unique_ptr<Connection>> idle;

  Result<std::unique_ptr<Connection>> take() {
    {
      std::lock_guard lock(mutex);
      if (!idle.empty()) {
        auto c = std::move(idle.back());
        idle.pop_back();
        return c;
      }
    }
    std::string keywords_url = url;
    const char* keys[] = {"dbname", "connect_timeout", "application_name", nullptr};
    std::string timeout = std::to_string(connect_timeout.count());
    const char* values[] = {keywords_url.c_str(), timeout.c_str(), "chatdb", nullptr};
    auto c = std::make_unique<Connection>();
    c->conn = PQconnectdbParams(keys, values, 1);
    if (PQstatus(c->conn) != CONNECTION_OK) {
      std::string message = PQerrorMessage(c->conn);
      while (!message.empty() && message.back() == '\n') message.pop_back();
      return Error::unavailable("metadata database unreachable (" + message + "); is PostgreSQL running at DATABASE_URL?");
    }
    return c;
  }

  void give_back(std::unique_ptr<Connection> c) {
    if (PQstatus(c->conn) != CONNECTION_OK || PQtransactionStatus(c->conn) != PQTRANS_IDLE) return;
    std::lock_guard lock(mutex);
    if (idle.size() < max_idle) idle.push_back(std::move(c));
  }

  // A pooled connection may have died while idle (server restart): the error says
  // unavailable, and the caller's retry gets a fresh one.
  void drop_all_idle() {
    std::lock_guard lock(mutex);
    idle.clear();
  }
};

PostgresStore::PostgresStore(std::string url, std::size_t max_idle, std::chrono::seconds connect_timeout)
    : impl_(std::make_unique<Impl>()) {
  impl_->url = std::move(url);
  impl_->max_idle = max_idle;
  impl_->connect_timeout = connect_timeout;
}

PostgresStore::~PostgresStore() = default;

// A span of the transaction only inside a trace: background polls (relay, scheduler) make none.
Status PostgresStore::transact(const std::function<Status(Transaction&)>& work) {
  tracing::Span span("metadata transaction", tracing::SpanKind::kClient, tracing::Span::Parent::kCurrentOnly);
  span.set("db.system", "postgresql");
  Status status = transact_untraced(work);
  if (!status.ok()) span.fail(to_string(status.error().code), status.error().message);
  return status;
}

Status PostgresStore::transact_untraced(const std::function<Status(Transaction&)>& work) {
  for (int attempt = 0;; ++attempt) {
    auto taken = impl_->take();
    if (!taken.ok()) return taken.error();
    auto conn = std::move(taken.value());
    bool was_broken = false;
    Status result = simple(*conn, "BEGIN ISOLATION LEVEL READ COMMITTED");
    if (result.ok()) {
      PostgresTransaction tx(*conn);
      result = work(tx);
      if (result.ok()) result = simple(*conn, "COMMIT");
    }
    if (!result.ok()) {
      if (PQstatus(conn->conn) == CONNECTION_OK) {
        PQclear(PQexec(conn->conn, "ROLLBACK"));
      } else {
        was_broken = true;
      }
    }
    impl_->give_back(std::move(conn));
    if (result.ok()) return result;
    // A connection that died in the pool fails its first statement: retry once on a new one.
    bool stale = was_broken && attempt == 0;
    if (stale) impl_->drop_all_idle();
    bool retry_serialization = is_serialization_failure(result.error()) && attempt < kSerializationRetries;
    if (!(stale || retry_serialization)) return result;
    if (retry_serialization) std::this_thread::sleep_for(std::chrono::milliseconds(5 * (attempt + 1)));
  }
}

Status PostgresStore::check() {
  return transact([](Transaction& tx) -> Status {
    auto r = tx.query("SELECT 1");
    if (!r.ok()) return r.error();
    return Status::success();
  });
}

}  // namespace chatdb::metadata
