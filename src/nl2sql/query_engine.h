#pragma once

#include "common/error.h"
#include "nl2sql/catalog.h"
#include "nl2sql/data_source.h"
#include "nl2sql/llm_backend.h"
#include "nl2sql/parser.h"

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace chatdb::nl2sql {

struct EngineOptions {
  double min_confidence = 0.62;
  ExecOptions exec;
};

/// A question answered as SQL, with where it came from.
struct Parsed {
  std::string database;
  Answer answer;
  std::string backend;  // "rules", "sql" (the question was SQL) or "llm"
  bool corrected = false;  // the model's SQL needed its one correction round
};

struct Queried {
  Parsed parsed;
  Rows rows;
};

/// Questions in, validated SQL and rows out, over the sources of a Catalog: the embedded
/// parser first; when it abstains and an LLM backend is configured, the model (one correction
/// round if the database rejects its SQL). Every SQL, whatever wrote it, passes the source's
/// validator before it is returned or run. A question must be 1..10240 bytes of UTF-8. When
/// the parser asks a clarifying question instead of answering, `answer.sql` is empty, the
/// alternatives say what each reading would run, and query() runs nothing.
/// Errors: `invalid_argument` (bad question, abstention, refused SQL), `not_found` (unknown
/// database), `unavailable`/`timeout` from the source. Thread-safe.
class QueryEngine {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;
  static constexpr std::size_t kMaxQuestionBytes = 10 * 1024;

  QueryEngine(std::shared_ptr<Catalog> catalog, EngineOptions options, Clock clock,
              std::shared_ptr<LlmBackend> llm = nullptr);

  /// `database` empty means the catalog's default.
  Result<Parsed> parse(const std::string& question, const std::string& database);
  Result<Queried> query(const std::string& question, const std::string& database);

  Catalog& catalog() { return *catalog_; }

 private:
  Result<std::string> resolve(const std::string& database) const;

  std::shared_ptr<Catalog> catalog_;
  EngineOptions options_;
  Clock clock_;
  std::shared_ptr<LlmBackend> llm_;
};

}  // namespace chatdb::nl2sql
