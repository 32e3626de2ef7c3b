#pragma once

#include "bus/message_bus.h"
#include "nl2sql/query_engine.h"
#include "runtime/service.h"

#include <memory>
#include <string>

namespace chatdb::query_parser {

/// The answers of POST /parse and POST /query as JSON (also what `chatdb ask --local` prints).
nlohmann::json parsed_json(const nl2sql::Parsed& parsed);
nlohmann::json queried_json(const nl2sql::Queried& queried);

/// Where asynchronous questions arrive and their answers go; no bus means no async path.
struct AsyncTopics {
  std::shared_ptr<bus::MessageBus> bus;
  std::string queries = "queries";
  std::string results = "query_results";
};

/// Turns plain-language questions into safe read-only SQL over registered data sources and
/// runs it: POST /parse, POST /query, GET /databases, GET /schema?database=; and, with a bus,
/// one message on `results` for each message on `queries` (same id). Ready when every data
/// source answers. Thread-safe.
class QueryParser : public runtime::Service {
 public:
  QueryParser(std::shared_ptr<nl2sql::QueryEngine> engine, AsyncTopics async);

  static constexpr std::string_view kName = "query-parser";

  std::string name() const override { return std::string(kName); }
  std::string summary() const override;
  void register_metrics(http::MetricsRegistry& registry) override;
  void mount(http::Router& router) override;
  nlohmann::json describe() const override;
  std::vector<runtime::Check> check_dependencies() override;
  void start() override;
  void stop() override;

  /// The answer to one asynchronous question message, as the JSON text published on the
  /// results topic: {"id", "status": "ok", ...query fields} or {"id", "status": "error",
  /// "error": {"status", "detail"}}. Public for tests.
  std::string answer_message(const std::string& payload);

 private:
  http::Response parse(const http::Request& request);
  http::Response query(const http::Request& request);
  /// The engine's answer in a span of its own (`requested`: the database asked for, "" for the
  /// default; `database`: its resolved name, for the span).
  Result<nl2sql::Queried> traced_query(const std::string& question, const std::string& requested, const std::string& database);
  http::Response databases(const http::Request& request);
  http::Response schema(const http::Request& request);
  void count(const std::string& route, const std::string& database, const std::string& outcome, double seconds);

  std::shared_ptr<nl2sql::QueryEngine> engine_;
  AsyncTopics async_;
  std::unique_ptr<bus::Subscription> subscription_;
  http::Family<http::Counter>* questions_ = nullptr;
  http::Family<http::Histogram>* parse_seconds_ = nullptr;
};

}  // namespace chatdb::query_parser
