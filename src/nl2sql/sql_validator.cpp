#include "nl2sql/sql_validator.h"

#include "nl2sql/text.h"

#include <nlohmann/json.hpp>
#include <pg_query.h>

#include <array>
#include <memory>
#include <string_view>

namespace chatdb::nl2sql {
namespace {

bool refused_function(const std::string& name) {
  // Reading functions are fine; these act on the server, other sessions, files or sequences.
  static constexpr std::array<std::string_view, 9> kExact = {
      "set_config", "nextval", "setval", "currval", "lastval", "txid_current", "dblink", "dblink_exec", "query_to_xml"};
  static constexpr std::array<std::string_view, 3> kPrefixes = {"pg_", "lo_", "dblink"};
  std::string n = lower(name);
  for (auto e : kExact) {
    if (n == e) return true;
  }
  for (auto p : kPrefixes) {
    if (n.starts_with(p)) return true;
  }
  return false;
}

// Walks the parse tree; returns what it refuses, or "" when all is well.
std::string find_refusal(const nlohmann::json& node) {
  if (node.is_array()) {
    for (const auto& child : node) {
      if (auto r = find_refusal(child); !r.empty()) return r;
    }
    return "";
  }
  if (!node.is_object()) return "";
  for (const auto& [key, value] : node.items()) {
    if (key == "InsertStmt" || key == "UpdateStmt" || key == "DeleteStmt" || key == "MergeStmt") {
      return "a data-modifying statement (" + key.substr(0, key.size() - 4) + ") inside the query";
    }
    if (key == "intoClause") return "SELECT INTO";
    if (key == "lockingClause") return "a locking clause (FOR UPDATE/SHARE)";
    if (key == "FuncCall" && value.contains("funcname")) {
      const auto& parts = value["funcname"];
      if (!parts.empty() && parts.back().contains("String")) {
        std::string name = parts.back()["String"].value("sval", "");
        if (refused_function(name)) return "the function " + name + "()";
      }
    }
    if (auto r = find_refusal(value); !r.empty()) return r;
  }
  return "";
}

}  // namespace

bool SqlValidator::parses(const std::string& text) {
  if (text.find('\0') != std::string::npos) return false;
  PgQueryParseResult parsed = pg_query_parse(text.c_str());
  bool ok = parsed.error == nullptr;
  pg_query_free_parse_result(parsed);
  return ok;
}

Status SqlValidator::check_postgres_select(const std::string& sql) {
  if (sql.find('\0') != std::string::npos) return Error::invalid("the SQL contains a NUL byte");
  PgQueryParseResult parsed = pg_query_parse(sql.c_str());
  std::unique_ptr<PgQueryParseResult, void (*)(PgQueryParseResult*)> guard(
      &parsed, [](PgQueryParseResult* r) { pg_query_free_parse_result(*r); });
  if (parsed.error != nullptr) return Error::invalid(std::string("not valid SQL: ") + parsed.error->message);
  auto tree = nlohmann::json::parse(parsed.parse_tree, nullptr, false);
  if (tree.is_discarded() || !tree.contains("stmts")) return Error::internal("unreadable SQL parse tree");
  const auto& stmts = tree["stmts"];
  if (stmts.size() != 1) return Error::invalid("only a single SQL statement is allowed");
  const auto& stmt = stmts[0].value("stmt", nlohmann::json::object());
  if (!stmt.contains("SelectStmt")) {
    std::string kind = stmt.empty() ? "an empty statement" : stmt.begin().key();
    return Error::invalid("only read-only SELECT statements are allowed; refused " + kind);
  }
  if (auto refusal = find_refusal(stmt); !refusal.empty()) {
    return Error::invalid("only read-only SELECT statements are allowed; refused " + refusal);
  }
  return Status::success();
}

}  // namespace chatdb::nl2sql
