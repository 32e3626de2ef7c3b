#include "nl2sql/postgres_source.h"

#include "common/logger.h"
#include "common/query_slots.h"
#include "nl2sql/sql_validator.h"
#include "nl2sql/text.h"

#include <libpq-fe.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <regex>

namespace chatdb::nl2sql {
namespace {

constexpr std::size_t kMaxIdle = 4;

using ResultPtr = std::unique_ptr<PGresult, decltype(&PQclear)>;

ResultPtr run(PGconn* conn, const std::string& sql) { return ResultPtr(PQexec(conn, sql.c_str()), &PQclear); }

std::string message_of(PGconn* conn, PGresult* result) {
  std::string m = result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(conn);
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

bool ok(PGresult* r) {
  auto s = PQresultStatus(r);
  return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
}

// Text values from libpq to JSON by type oid: integers, floats and booleans as numbers.
nlohmann::json value_of(PGresult* r, int row, int col) {
  if (PQgetisnull(r, row, col)) return nullptr;
  std::string text(PQgetvalue(r, row, col), static_cast<std::size_t>(PQgetlength(r, row, col)));
  switch (PQftype(r, col)) {
    case 20: case 21: case 23:  // int8, int2, int4
      return std::stoll(text);
    case 700: case 701: case 1700:  // float4, float8, numeric
      try {
        return std::stod(text);
      } catch (const std::exception&) {
        return text;  // NaN, Infinity
      }
    case 16:  // bool
      return text == "t";
    default:
      return valid_utf8(std::move(text));
  }
}

Error failure(PGconn* conn, PGresult* result, const std::string& what) {
  if (PQstatus(conn) != CONNECTION_OK) return Error::unavailable("PostgreSQL connection lost: " + message_of(conn, result));
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string sqlstate = state ? state : "";
  if (sqlstate == "57014") return Error::timeout("the query ran past its statement timeout; narrow the question");
  if (sqlstate == "25006") return Error::invalid("the database refused a write in a read-only transaction");
  return Error::invalid(what + ": " + message_of(conn, result));
}

}  // namespace

PostgresSource::PostgresSource(std::string url) : url_(std::move(url)) {}

PostgresSource::~PostgresSource() {
  for (PGconn* c : idle_) PQfinish(c);
}

std::string PostgresSource::display_url() const {
  static const std::regex kPassword(R"(://([^:/@]+):[^@]*@)");
  return std::regex_replace(url_, kPassword, "://$1:***@");
}

Result<PGconn*> PostgresSource::acquire() {
  {
    std::lock_guard lock(mutex_);
    while (!idle_.empty()) {
      PGconn* c = idle_.back();
      idle_.pop_back();
      if (PQstatus(c) == CONNECTION_OK) return c;
      PQfinish(c);
    }
  }
  const char* keys[] = {"dbname", "connect_timeout", "application_name", nullptr};
  const char* values[] = {url_.c_str(), "5", "chatdb-query-parser", nullptr};
  PGconn* c = PQconnectdbParams(keys, values, 1);
  if (PQstatus(c) != CONNECTION_OK) {
    std::string m = c ? PQerrorMessage(c) : "out of memory";
    while (!m.empty() && m.back() == '\n') m.pop_back();
    PQfinish(c);
    return Error::unavailable("cannot connect to PostgreSQL at " + display_url() + ": " + m);
  }
  // Literals are rendered with doubled quotes only: backslashes must stay plain characters.
  // What one query may use: time (each transaction sets its own, shorter, timeout too) and
  // memory per sort or hash.
  auto setup = run(c, "SET default_transaction_read_only = on; SET standard_conforming_strings = on; "
                      "SET client_encoding = 'UTF8'; SET statement_timeout = '30s'; SET work_mem = '16MB'");
  if (!ok(setup.get())) {
    Error e = failure(c, setup.get(), "cannot prepare the session");
    PQfinish(c);
    return e;
  }
  // Temporary files (sorts and hashes that spill) take disk: only a superuser may bound them
  // per session; otherwise the role's setting applies (ALTER ROLE ... SET temp_file_limit).
  auto temp_files = run(c, "SET temp_file_limit = '1GB'");
  if (!ok(temp_files.get())) {
    static std::once_flag logged;
    std::call_once(logged, [&] {
      Logger::info("temp_file_limit left to the role's setting", {{"error", message_of(c, temp_files.get())}});
    });
  }
  return c;
}

void PostgresSource::release(PGconn* conn) {
  std::lock_guard lock(mutex_);
  if (PQstatus(conn) == CONNECTION_OK && PQtransactionStatus(conn) == PQTRANS_IDLE && idle_.size() < kMaxIdle) {
    idle_.push_back(conn);
  } else {
    PQfinish(conn);
  }
}

Status PostgresSource::validate(const std::string& sql) { return SqlValidator::check_postgres_select(sql); }

Result<Rows> PostgresSource::execute(const std::string& sql, const ExecOptions& options) {
  auto started = std::chrono::steady_clock::now();
  if (Status valid = validate(sql); !valid) return valid.error();
  auto slot = QuerySlots::take();
  if (!slot) return slot.error();
  auto acquired = acquire();
  if (!acquired) return acquired.error();
  PGconn* conn = *acquired;
  std::unique_ptr<PGconn, std::function<void(PGconn*)>> held(conn, [this](PGconn* c) {
    if (PQtransactionStatus(c) != PQTRANS_IDLE) PQclear(PQexec(c, "ROLLBACK"));
    release(c);
  });

  auto begin = run(conn, "BEGIN; SET TRANSACTION READ ONLY; SET LOCAL statement_timeout = " +
                             std::to_string(options.timeout.count()));
  if (!ok(begin.get())) return failure(conn, begin.get(), "cannot start a read-only transaction");
  // A cursor admits only a SELECT and lets us stop after max_rows + 1; the extended protocol
  // of PQexecParams refuses a second statement as well.
  std::string declare = "DECLARE chatdb_cursor NO SCROLL CURSOR FOR " + sql;
  ResultPtr declared(PQexecParams(conn, declare.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0), &PQclear);
  if (!ok(declared.get())) return failure(conn, declared.get(), "PostgreSQL rejected the query");
  auto fetched = run(conn, "FETCH FORWARD " + std::to_string(options.max_rows + 1) + " FROM chatdb_cursor");
  if (!ok(fetched.get())) return failure(conn, fetched.get(), "PostgreSQL rejected the query");

  Rows out;
  PGresult* r = fetched.get();
  for (int c = 0; c < PQnfields(r); ++c) out.columns.emplace_back(PQfname(r, c));
  int n = PQntuples(r);
  out.truncated = static_cast<std::size_t>(n) > options.max_rows;
  int keep = out.truncated ? static_cast<int>(options.max_rows) : n;
  out.rows.reserve(static_cast<std::size_t>(keep));
  for (int i = 0; i < keep; ++i) {
    std::vector<nlohmann::json> row;
    for (int c = 0; c < PQnfields(r); ++c) row.push_back(value_of(r, i, c));
    out.rows.push_back(std::move(row));
  }
  out.elapsed_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return out;
}

Result<Schema> PostgresSource::introspect() {
  ExecOptions catalogue{100000, std::chrono::milliseconds(10000)};
  auto columns = execute(
      "SELECT c.table_name, c.column_name, c.data_type, c.is_nullable FROM information_schema.columns c "
      "JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name "
      "WHERE c.table_schema = current_schema() AND t.table_type IN ('BASE TABLE', 'VIEW') "
      "ORDER BY c.table_name, c.ordinal_position",
      catalogue);
  if (!columns) return columns.error();
  auto keys = execute(
      "SELECT con.contype::text, cl.relname::text, a.attname::text, rcl.relname::text, ra.attname::text "
      "FROM pg_catalog.pg_constraint con "
      "JOIN pg_catalog.pg_class cl ON cl.oid = con.conrelid "
      "JOIN pg_catalog.pg_namespace n ON n.oid = cl.relnamespace "
      "JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1] "
      "LEFT JOIN pg_catalog.pg_class rcl ON rcl.oid = con.confrelid "
      "LEFT JOIN pg_catalog.pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = con.confkey[1] "
      "WHERE n.nspname = current_schema() AND con.contype IN ('p', 'f') AND cardinality(con.conkey) = 1",
      catalogue);
  if (!keys) return keys.error();

  std::vector<Table> tables;
  for (const auto& row : columns->rows) {
    std::string table = row[0].get<std::string>();
    if (tables.empty() || tables.back().name != table) tables.push_back(Table{table, {}, 0});
    Column c;
    c.name = row[1].get<std::string>();
    c.type = row[2].get<std::string>();
    c.kind = kind_of_type(c.type);
    c.nullable = row[3].get<std::string>() == "YES";
    tables.back().columns.push_back(std::move(c));
  }
  std::vector<ForeignKey> fks;
  for (const auto& row : keys->rows) {
    std::string kind = row[0].get<std::string>();
    std::string table = row[1].get<std::string>();
    std::string column = row[2].get<std::string>();
    if (kind == "p") {
      for (auto& t : tables) {
        if (t.name != table) continue;
        for (auto& c : t.columns) c.primary_key = c.primary_key || c.name == column;
      }
    } else if (row[3].is_string() && row[4].is_string()) {
      fks.push_back({table, column, row[3].get<std::string>(), row[4].get<std::string>(), false});
    }
  }
  for (auto& t : tables) {
    auto count = execute("SELECT COUNT(*) FROM " + quote_identifier(t.name), {1, std::chrono::milliseconds(5000)});
    if (count && !count->rows.empty()) t.row_count = count->rows[0][0].get<std::int64_t>();
  }
  return Schema(std::move(tables), std::move(fks));
}

// Not through execute: readiness must not depend on a free query slot.
Status PostgresSource::check() {
  auto acquired = acquire();
  if (!acquired) return acquired.error();
  auto answered = run(*acquired, "SELECT 1");
  Status status = ok(answered.get()) ? Status::success() : Status(failure(*acquired, answered.get(), "PostgreSQL check failed"));
  release(*acquired);
  return status;
}

}  // namespace chatdb::nl2sql
