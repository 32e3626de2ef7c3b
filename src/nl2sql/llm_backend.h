#pragma once

#include "common/error.h"
#include "http/client.h"
#include "nl2sql/schema.h"

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace chatdb::nl2sql {

struct LlmOptions {
  std::string base_url;  // an OpenAI-compatible API root, e.g. http://127.0.0.1:11434/v1
  std::string model;
  std::string api_key;   // sent as a bearer token when set
  std::chrono::milliseconds timeout{30000};
};

/// An optional SQL writer behind an OpenAI-compatible chat-completions endpoint (Ollama, vLLM,
/// llama.cpp's server). It is prompted with the schema and the question, and may be asked
/// once more with the database's error. Its SQL is extracted here and must still pass the
/// data source's validator before anything runs. Errors: `unavailable` when the endpoint
/// cannot be reached or answers 5xx, `timeout` past the deadline, `invalid_argument` when the
/// reply holds no SQL. Thread-safe.
class LlmBackend {
 public:
  explicit LlmBackend(LlmOptions options);

  /// One SELECT for `question`; with `previous_sql` and `error`, a corrected one.
  Result<std::string> write_sql(const std::string& question, const Schema& schema, Dialect dialect,
                                const std::string& previous_sql = "", const std::string& error = "");
  std::string describe() const { return options_.model + " at " + options_.base_url; }

  /// The SQL in a model's reply: a ```sql fenced block, else the text from the first SELECT or
  /// WITH; trailing semicolons removed.
  static std::optional<std::string> extract_sql(const std::string& content);

 private:
  LlmOptions options_;
  std::unique_ptr<http::Client> client_;
};

}  // namespace chatdb::nl2sql
