#include "nl2sql/llm_backend.h"

#include "nl2sql/text.h"

#include <nlohmann/json.hpp>

namespace chatdb::nl2sql {
namespace {

// The schema as compact CREATE TABLE lines, capped so that a large schema fits a prompt.
std::string schema_text(const Schema& schema) {
  constexpr std::size_t kMaxChars = 12000;
  std::string out;
  for (const auto& t : schema.tables()) {
    std::string line = "CREATE TABLE " + quote_identifier(t.name) + " (";
    for (std::size_t i = 0; i < t.columns.size(); ++i) {
      const auto& c = t.columns[i];
      line += (i ? ", " : "") + quote_identifier(c.name) + " " + (c.type.empty() ? "TEXT" : c.type) +
              (c.primary_key ? " PRIMARY KEY" : "");
    }
    for (const auto& fk : schema.foreign_keys()) {
      if (fk.table == t.name && !fk.inferred) {
        line += ", FOREIGN KEY (" + quote_identifier(fk.column) + ") REFERENCES " + quote_identifier(fk.ref_table) + "(" +
                quote_identifier(fk.ref_column) + ")";
      }
    }
    line += ");\n";
    if (out.size() + line.size() > kMaxChars) break;
    out += line;
  }
  return out;
}

}  // namespace

LlmBackend::LlmBackend(LlmOptions options) : options_(std::move(options)) {
  http::ClientOptions client;
  client.request_timeout = options_.timeout;
  client.max_response_bytes = 4 * 1024 * 1024;
  client_ = std::make_unique<http::Client>(client);
}

std::optional<std::string> LlmBackend::extract_sql(const std::string& content) {
  std::string sql;
  auto fence = content.find("```");
  if (fence != std::string::npos) {
    auto body = content.find('\n', fence);
    auto end = body == std::string::npos ? std::string::npos : content.find("```", body);
    if (end != std::string::npos) sql = content.substr(body + 1, end - body - 1);
  }
  if (sql.empty()) {
    std::string low = lower(content);
    // Without a fence, only text from a SELECT on is taken: "with" is too common a word.
    auto start = low.find("select ");
    if (start == std::string::npos) return std::nullopt;
    sql = content.substr(start);
  }
  while (!sql.empty() && (sql.back() == ';' || std::isspace(static_cast<unsigned char>(sql.back())))) sql.pop_back();
  while (!sql.empty() && std::isspace(static_cast<unsigned char>(sql.front()))) sql.erase(0, 1);
  if (sql.empty()) return std::nullopt;
  return sql;
}

Result<std::string> LlmBackend::write_sql(const std::string& question, const Schema& schema, Dialect dialect,
                                          const std::string& previous_sql, const std::string& error) {
  std::string dialect_name = dialect == Dialect::kPostgres ? "PostgreSQL" : "SQLite";
  nlohmann::json messages = nlohmann::json::array();
  messages.push_back({{"role", "system"},
                      {"content", "You translate questions into one read-only " + dialect_name +
                                      " SELECT statement over the schema given. Reply with the SQL only, in a ```sql block."}});
  messages.push_back({{"role", "user"}, {"content", "Schema:\n" + schema_text(schema) + "\nQuestion: " + question}});
  if (!previous_sql.empty()) {
    messages.push_back({{"role", "assistant"}, {"content", "```sql\n" + previous_sql + "\n```"}});
    messages.push_back({{"role", "user"}, {"content", "The database rejected it: " + error + "\nReply with a corrected SELECT."}});
  }
  nlohmann::json body = {{"model", options_.model}, {"messages", messages}, {"temperature", 0}, {"stream", false}};
  std::vector<std::pair<std::string, std::string>> headers = {{"Content-Type", "application/json"}};
  if (!options_.api_key.empty()) headers.emplace_back("Authorization", "Bearer " + options_.api_key);
  std::string url = options_.base_url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  auto response = client_->request("POST", url + "/chat/completions", body.dump(), headers);
  if (!response) return response.error();
  if (response->status >= 500 || response->status == 429) {
    return Error::unavailable("the language model endpoint answered " + std::to_string(response->status));
  }
  if (response->status != 200) {
    return Error::invalid("the language model endpoint refused the request with " + std::to_string(response->status));
  }
  auto reply = nlohmann::json::parse(response->body, nullptr, false);
  if (reply.is_discarded() || !reply.contains("choices") || !reply["choices"].is_array() || reply["choices"].empty()) {
    return Error::unavailable("the language model endpoint sent a reply that is not a chat completion");
  }
  const auto& message = reply["choices"][0].value("message", nlohmann::json::object());
  if (!message.contains("content") || !message["content"].is_string()) {
    return Error::unavailable("the language model reply has no message content");
  }
  auto sql = extract_sql(message["content"].get<std::string>());
  if (!sql) return Error::invalid("the language model replied without SQL");
  return *sql;
}

}  // namespace chatdb::nl2sql
