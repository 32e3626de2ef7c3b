#include "cli/query_commands.h"

#include "cli/api_client.h"
#include "cli/display.h"
#include "cli/text_table.h"
#include "common/json_parse.h"
#include "query_parser/query_parser.h"

#include <chrono>
#include <cstdio>
#include <memory>
#include <fstream>

namespace chatdb::cli {
namespace {

// A CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break.
std::string csv_field(const nlohmann::json& v) {
  std::string s = v.is_null() ? "" : v.is_string() ? v.get<std::string>() : v.dump();
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

void print_csv(const nlohmann::json& answer) {
  std::string line;
  for (const auto& c : answer.value("columns", nlohmann::json::array())) line += (line.empty() ? "" : ",") + csv_field(c);
  std::printf("%s\n", line.c_str());
  for (const auto& row : answer.value("rows", nlohmann::json::array())) {
    line.clear();
    for (std::size_t i = 0; i < row.size(); ++i) line += (i ? "," : "") + csv_field(row[i]);
    std::printf("%s\n", line.c_str());
  }
}

// The answer for a terminal: the SQL and what it means, the rows (cells cut at 40 characters,
// numbers rounded), then the other readings; or the clarifying question and the readings.
void print_table(const nlohmann::json& answer) {
  auto alternatives = answer.value("alternatives", nlohmann::json::array());
  bool answered = answer.contains("sql") && answer["sql"].is_string();
  if (!answered) {
    std::printf("%s\n", answer.value("clarification", std::string("no SQL for this question")).c_str());
  } else {
    std::printf("%s\n-- %s (confidence %.2f)\n\n", answer["sql"].get<std::string>().c_str(),
                answer.value("explanation", std::string()).c_str(), answer.value("confidence", 0.0));
    std::vector<std::string> header;
    for (const auto& c : answer.value("columns", nlohmann::json::array())) header.push_back(display(c));
    TextTable table(header);
    auto rows = answer.value("rows", nlohmann::json::array());
    for (const auto& row : rows) {
      std::vector<std::string> cells;
      for (const auto& v : row) cells.push_back(TextTable::cut(display(v), 40));
      table.add(std::move(cells));
    }
    table.print();
    std::printf("(%zu row%s%s, %s ms)\n", rows.size(), rows.size() == 1 ? "" : "s",
                answer.value("truncated", false) ? ", truncated" : "", display(answer.value("elapsed_ms", 0.0)).c_str());
  }
  if (!alternatives.empty()) std::printf("\n%s:\n", answered ? "Other readings" : "Readings");
  for (std::size_t i = 0; i < alternatives.size(); ++i) {
    const auto& alt = alternatives[i];
    std::printf("  %zu. %s\n     %s (confidence %.2f)\n", i + 1, alt.value("explanation", std::string()).c_str(),
                alt.value("sql", std::string()).c_str(), alt.value("confidence", 0.0));
  }
}

struct AskOptions {
  std::string question, database, local_url, format = "table";
  nl2sql::LlmOptions llm;
};

// The answer as POST /query gives it: from the running query-parser, or with --local from an
// engine of this process over that one database.
Result<nlohmann::json> answer(const Config& config, const AskOptions& o, const EngineFactory& make_engine) {
  if (o.local_url.empty()) {
    nlohmann::json body = {{"query", o.question}};
    if (!o.database.empty()) body["database"] = o.database;
    ApiClient parser(config.query_parser_url, config.api_key);
    return parser.post("/query", body);
  }
  auto engine = make_engine(config, o.local_url, o.llm);
  auto result = engine->query(o.question, "cli");
  if (!result) return result.error();
  return query_parser::queried_json(*result);
}

int ask(const Config& config, const AskOptions& o, const EngineFactory& make_engine) {
  auto result = answer(config, o, make_engine);
  if (!result) {
    std::fprintf(stderr, "chatdb: %s\n", result.error().message.c_str());
    return 1;
  }
  if (o.format == "json") std::printf("%s\n", result->dump(2).c_str());
  else if (o.format == "csv") print_csv(*result);
  else print_table(*result);
  return 0;
}

// Reads {"id", "question"} lines and writes {"id", "sql"} lines ("sql": null when abstaining);
// with `timings`, one {"id", "ms"} line per question to that file.
int parse_batch(nl2sql::QueryEngine& engine, const std::string& database, const std::string& batch, const std::string& timings) {
  if (auto k = engine.catalog().knowledge(database); !k) throw ConfigError(k.error().message);
  std::ifstream in(batch);
  if (!in) throw ConfigError("cannot read --batch file " + batch);
  std::ofstream timing_out;
  if (!timings.empty()) timing_out.open(timings);
  std::string line;
  int answered = 0, total = 0;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto item = parse_json_or_discarded(line);
    if (item.is_discarded() || !item.is_object() || !item.contains("id") || !item.value("question", nlohmann::json()).is_string()) {
      std::fprintf(stderr, "chatdb: skipping a line that is not {\"id\", \"question\"}: %.80s\n", line.c_str());
      continue;
    }
    auto started = std::chrono::steady_clock::now();
    auto parsed = engine.parse(item["question"].get<std::string>(), database);
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    bool answered_here = parsed && !parsed->answer.sql.empty();
    nlohmann::json out = {{"id", item["id"]}, {"sql", answered_here ? nlohmann::json(parsed->answer.sql) : nlohmann::json()}};
    if (answered_here) out["confidence"] = parsed->answer.confidence;
    std::printf("%s\n", out.dump().c_str());
    if (timing_out) timing_out << nlohmann::json{{"id", item["id"]}, {"ms", ms}}.dump() << "\n";
    ++total;
    answered += answered_here ? 1 : 0;
  }
  std::fprintf(stderr, "chatdb: answered %d of %d questions\n", answered, total);
  return 0;
}

}  // namespace

Command add_ask(CLI::App& app, EngineFactory make_engine) {
  auto o = std::make_shared<AskOptions>();
  auto* cmd = app.add_subcommand("ask", "Ask a question of a database; prints the SQL and the rows");
  cmd->add_option("question", o->question, "the question, in plain language")->required();
  cmd->add_option("--database", o->database, "a data source of the query-parser (GET /databases; default: its default)");
  cmd->add_option("--local", o->local_url, "sqlite://PATH or postgresql://...: answer in this process, without the query-parser");
  cmd->add_option("--format", o->format, "table, csv or json")->check(CLI::IsMember({"table", "csv", "json"}))->capture_default_str();
  cmd->add_option("--llm-url", o->llm.base_url, "with --local: OpenAI-compatible API root for questions the rules cannot answer");
  cmd->add_option("--llm-model", o->llm.model, "model name for --llm-url");
  return {cmd, [o, make_engine](Config config) {
            // A URL given as --database (as before --local existed) means --local.
            if (o->local_url.empty() && o->database.find("://") != std::string::npos) std::swap(o->local_url, o->database);
            return ask(config, *o, make_engine);
          }};
}

Command add_parse(CLI::App& app, EngineFactory make_engine) {
  struct Options {
    std::string database_url, batch_file, timings_file;
    nl2sql::LlmOptions llm;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("parse", "Turn a batch of questions into SQL without running it");
  cmd->add_option("--batch", o->batch_file, "file of {\"id\", \"question\"} JSON lines")->required();
  cmd->add_option("--timings", o->timings_file, "write {\"id\", \"ms\"} parse latencies to this file");
  cmd->add_option("--database", o->database_url, "sqlite://PATH or postgresql://... (default: the demo database)");
  cmd->add_option("--llm-url", o->llm.base_url, "OpenAI-compatible API root for questions the rules cannot answer (off by default)");
  cmd->add_option("--llm-model", o->llm.model, "model name for --llm-url");
  return {cmd, [o, make_engine](Config config) {
            auto engine = make_engine(config, o->database_url, o->llm);
            std::string database = o->database_url.empty() ? engine->catalog().default_name() : "cli";
            return parse_batch(*engine, database, o->batch_file, o->timings_file);
          }};
}

}  // namespace chatdb::cli
