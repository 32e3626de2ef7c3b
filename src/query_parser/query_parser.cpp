#include "query_parser/query_parser.h"

#include "common/json_parse.h"
#include "common/logger.h"
#include "http/problem.h"
#include "tracing/span.h"

#include <nlohmann/json.hpp>

#include <chrono>

namespace chatdb::query_parser {
namespace {

constexpr std::size_t kMaxBodyBytes = 64 * 1024;

struct Question {
  std::string query;
  std::string database;
};

// Strict reading of {"query", "database"?}: unknown fields and wrong types are refused.
Result<Question> read_question(const nlohmann::json& body, bool with_id = false) {
  for (const auto& [key, value] : body.items()) {
    if (key != "query" && key != "database" && !(with_id && key == "id")) {
      return Error::invalid("unknown field '" + key + "'; the body is {\"query\": TEXT, \"database\": NAME (optional)}");
    }
  }
  if (!body.contains("query")) return Error::invalid("missing field 'query': the question to answer, as text");
  if (!body["query"].is_string()) return Error::invalid("'query' must be a string");
  Question q{body["query"].get<std::string>(), ""};
  if (body.contains("database")) {
    if (!body["database"].is_string()) return Error::invalid("'database' must be a string naming a data source");
    q.database = body["database"].get<std::string>();
    if (q.database.empty()) return Error::invalid("'database' must not be empty; leave it out for the default");
  }
  return q;
}

std::string outcome_of(const Error& e) {
  return e.code == ErrorCode::kInvalidArgument || e.code == ErrorCode::kPayloadTooLarge ? "refused" : "error";
}

}  // namespace

nlohmann::json parsed_json(const nl2sql::Parsed& p) {
  nlohmann::json alternatives = nlohmann::json::array();
  for (const auto& a : p.answer.alternatives) {
    alternatives.push_back({{"sql", a.sql}, {"explanation", a.explanation}, {"confidence", a.confidence}});
  }
  nlohmann::json out = {{"database", p.database},
                        {"sql", p.answer.sql.empty() ? nlohmann::json() : nlohmann::json(p.answer.sql)},
                        {"explanation", p.answer.explanation},
                        {"confidence", p.answer.confidence},
                        {"tables", p.answer.tables},
                        {"backend", p.backend},
                        {"alternatives", std::move(alternatives)}};
  if (!p.answer.clarification.empty()) out["clarification"] = p.answer.clarification;
  return out;
}

nlohmann::json queried_json(const nl2sql::Queried& q) {
  nlohmann::json out = parsed_json(q.parsed);
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& r : q.rows.rows) rows.push_back(r);
  out["columns"] = q.rows.columns;
  out["rows"] = std::move(rows);
  out["row_count"] = q.rows.rows.size();
  out["truncated"] = q.rows.truncated;
  out["elapsed_ms"] = std::round(q.rows.elapsed_ms * 1000) / 1000;
  return out;
}

QueryParser::QueryParser(std::shared_ptr<nl2sql::QueryEngine> engine, AsyncTopics async)
    : engine_(std::move(engine)), async_(std::move(async)) {}

std::string QueryParser::summary() const {
  return "Turns plain-language questions into safe read-only SQL over registered data sources and runs it.";
}

void QueryParser::register_metrics(http::MetricsRegistry& registry) {
  questions_ = &registry.counter("chatdb_questions_total", "Questions by route, data source and outcome (answered, clarification, refused, error).",
                                 {"route", "database", "outcome"});
  parse_seconds_ = &registry.histogram("chatdb_question_duration_seconds", "Time to answer a question, by route.", {"route"},
                                       http::MetricsRegistry::default_latency_buckets());
}

void QueryParser::count(const std::string& route, const std::string& database, const std::string& outcome, double seconds) {
  if (questions_ == nullptr) return;
  questions_->with({route, database, outcome}).inc();
  parse_seconds_->with({route}).observe(seconds);
}

void QueryParser::mount(http::Router& router) {
  http::RouteOptions small{kMaxBodyBytes};
  router.add("POST", "/parse", [this](const http::Request& r) { return parse(r); }, small);
  router.add("POST", "/query", [this](const http::Request& r) { return query(r); }, small);
  router.add("GET", "/databases", [this](const http::Request& r) { return databases(r); });
  router.add("GET", "/schema", [this](const http::Request& r) { return schema(r); });
}

http::Response QueryParser::parse(const http::Request& request) {
  auto started = std::chrono::steady_clock::now();
  auto body = request.json_object();
  if (!body) return http::problem(body.error());
  auto q = read_question(*body);
  if (!q) return http::problem(q.error());
  std::string database = q->database.empty() ? engine_->catalog().default_name() : q->database;
  // Spans name the database and the outcome, never the question, the SQL's values or rows.
  tracing::Span span("parse");
  span.set("db.namespace", database);
  auto parsed = [&] {
    tracing::Scope scope(span);
    return engine_->parse(q->query, q->database);
  }();
  if (parsed) span.set("chatdb.answered", !parsed->answer.sql.empty());
  else span.fail(to_string(parsed.error().code), "the question was not answered");
  span.end();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (!parsed) {
    count("/parse", database, outcome_of(parsed.error()), seconds);
    return http::problem(parsed.error());
  }
  count("/parse", database, parsed->answer.sql.empty() ? "clarification" : "answered", seconds);
  return http::Response::json(parsed_json(*parsed));
}

http::Response QueryParser::query(const http::Request& request) {
  auto started = std::chrono::steady_clock::now();
  auto body = request.json_object();
  if (!body) return http::problem(body.error());
  auto q = read_question(*body);
  if (!q) return http::problem(q.error());
  std::string database = q->database.empty() ? engine_->catalog().default_name() : q->database;
  auto result = traced_query(q->query, q->database, database);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (!result) {
    count("/query", database, outcome_of(result.error()), seconds);
    return http::problem(result.error());
  }
  count("/query", database, result->parsed.answer.sql.empty() ? "clarification" : "answered", seconds);
  return http::Response::json(queried_json(*result));
}

Result<nl2sql::Queried> QueryParser::traced_query(const std::string& question, const std::string& requested,
                                                  const std::string& database) {
  // Spans name the database and the outcome, never the question, the SQL's values or rows.
  tracing::Span span("query parse+execute");
  span.set("db.namespace", database);
  auto result = [&] {
    tracing::Scope scope(span);
    return engine_->query(question, requested);
  }();
  if (!result) {
    span.fail(to_string(result.error().code), "the question was not answered");
    return result;
  }
  span.set("chatdb.answered", !result->parsed.answer.sql.empty());
  span.set("db.response.returned_rows", result->rows.rows.size()).set("chatdb.rows.truncated", result->rows.truncated);
  span.set("chatdb.execute_ms", result->rows.elapsed_ms);
  return result;
}

http::Response QueryParser::databases(const http::Request&) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& name : engine_->catalog().names()) {
    auto source = engine_->catalog().source(name);
    list.push_back({{"name", name},
                    {"url", source->display_url()},
                    {"dialect", source->dialect() == nl2sql::Dialect::kPostgres ? "postgresql" : "sqlite"},
                    {"default", name == engine_->catalog().default_name()}});
  }
  return http::Response::json({{"databases", list}});
}

http::Response QueryParser::schema(const http::Request& request) {
  for (const auto& [key, _] : request.query) {
    if (key != "database" && key != "refresh") return http::problem(Error::invalid("unknown query parameter '" + key + "'"));
  }
  std::string name = request.query_param("database", engine_->catalog().default_name());
  if (name.empty()) return http::problem(Error::not_found("no data source is configured"));
  std::string refresh = request.query_param("refresh", "false");
  if (refresh != "true" && refresh != "false") return http::problem(Error::invalid("'refresh' must be true or false"));
  auto k = refresh == "true" ? engine_->catalog().refresh(name) : engine_->catalog().knowledge(name);
  if (!k) return http::problem(k.error());
  nlohmann::json out = (*k)->schema.to_json();
  out["database"] = name;
  out["indexed_values"] = (*k)->values.size();
  return http::Response::json(out);
}

nlohmann::json QueryParser::describe() const {
  return {{"databases", engine_->catalog().names()},
          {"async", async_.bus ? nlohmann::json{{"queries", async_.queries}, {"results", async_.results}} : nlohmann::json()}};
}

std::vector<runtime::Check> QueryParser::check_dependencies() {
  std::vector<runtime::Check> checks;
  for (const auto& name : engine_->catalog().names()) {
    Status s = engine_->catalog().source(name)->check();
    checks.push_back({"database:" + name, s.ok(), s.ok() ? "reachable" : s.error().message});
  }
  if (async_.bus) {
    Status s = async_.bus->check();
    checks.push_back({"bus", s.ok(), s.ok() ? "reachable" : s.error().message});
  }
  return checks;
}

std::string QueryParser::answer_message(const std::string& payload) {
  auto doc = parse_json_or_discarded(payload);
  nlohmann::json id = doc.is_object() && doc.contains("id") ? doc["id"] : nlohmann::json();
  auto fail = [&](const Error& e) {
    return nlohmann::json{{"id", id}, {"status", "error"},
                          {"error", {{"status", http::status_of(e.code)}, {"detail", e.message}}}}.dump();
  };
  if (doc.is_discarded() || !doc.is_object()) return fail(Error::invalid("the message is not a JSON object"));
  if (!id.is_string() || id.get<std::string>().empty()) return fail(Error::invalid("'id' must be a non-empty string"));
  auto q = read_question(doc, true);
  if (!q) return fail(q.error());
  auto started = std::chrono::steady_clock::now();
  std::string database = q->database.empty() ? engine_->catalog().default_name() : q->database;
  auto result = traced_query(q->query, q->database, database);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  count("async", database, result ? "answered" : outcome_of(result.error()), seconds);
  if (!result) return fail(result.error());
  nlohmann::json out = queried_json(*result);
  out["id"] = id;
  out["status"] = "ok";
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void QueryParser::start() {
  if (!async_.bus) return;
  subscription_ = async_.bus->subscribe(async_.queries, std::string(kName), [this](const bus::Message& m) -> Status {
    std::string answer = answer_message(m.payload);
    // Keyed by the request id so that a client can follow its own answers; publishing again
    // after a redelivery repeats the same answer, which consumers treat as a duplicate.
    auto doc = parse_json_or_discarded(m.payload);
    std::string key = doc.is_object() && doc.contains("id") && doc["id"].is_string() ? doc["id"].get<std::string>() : m.key;
    Status published = async_.bus->publish(async_.results, key, answer);
    if (!published) Logger::warn("query result not published", {{"id", key}, {"error", published.error().message}});
    return published;
  });
}

void QueryParser::stop() { subscription_.reset(); }

}  // namespace chatdb::query_parser
