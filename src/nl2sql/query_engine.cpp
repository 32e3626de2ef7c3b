#include "nl2sql/query_engine.h"

#include "nl2sql/text.h"

namespace chatdb::nl2sql {

QueryEngine::QueryEngine(std::shared_ptr<Catalog> catalog, EngineOptions options, Clock clock,
                         std::shared_ptr<LlmBackend> llm)
    : catalog_(std::move(catalog)), options_(options), clock_(std::move(clock)), llm_(std::move(llm)) {}

Result<std::string> QueryEngine::resolve(const std::string& database) const {
  if (!database.empty()) return database;
  std::string name = catalog_->default_name();
  if (name.empty()) return Error::not_found("no data source is configured; set CHATDB_DATA_SOURCES or pass --database URL");
  return name;
}

Result<Parsed> QueryEngine::parse(const std::string& question, const std::string& database) {
  if (question.size() > kMaxQuestionBytes) {
    return Error{ErrorCode::kPayloadTooLarge,
                 "the question is " + std::to_string(question.size()) + " bytes; at most " +
                     std::to_string(kMaxQuestionBytes) + " are accepted",
                 false};
  }
  if (question.find_first_not_of(" \t\r\n") == std::string::npos) return Error::invalid("the question is empty");
  if (valid_utf8(question) != question || question.find('\0') != std::string::npos) {
    return Error::invalid("the question must be UTF-8 text");
  }
  auto name = resolve(database);
  if (!name) return name.error();
  auto knowledge = catalog_->knowledge(*name);
  if (!knowledge) return knowledge.error();
  const Knowledge& k = **knowledge;

  auto today = std::chrono::floor<std::chrono::days>(clock_());
  Parser parser(k.schema, k.values, k.lexicon, k.source->dialect(), today, options_.min_confidence);
  auto answer = parser.parse(question);
  Parsed out{*name, {}, "rules"};
  if (answer) {
    out.answer = std::move(answer).value();
    if (out.answer.verbatim) out.backend = "sql";
  } else if (llm_ != nullptr && answer.error().code == ErrorCode::kInvalidArgument) {
    auto sql = llm_->write_sql(question, k.schema, k.source->dialect());
    if (!sql) return sql.error();
    out.backend = "llm";
    out.answer = Answer{*sql, "Written by the language model " + llm_->describe() + "; not checked for meaning.", 0.5, {}, false, {}, {}};
    if (Status valid = k.source->validate(*sql); !valid) {
      // The one correction round: the model sees why its SQL was refused.
      auto fixed = llm_->write_sql(question, k.schema, k.source->dialect(), *sql, valid.error().message);
      if (!fixed) return valid.error();
      out.answer.sql = *fixed;
      out.corrected = true;
    }
  } else {
    return answer.error();
  }
  auto& alternatives = out.answer.alternatives;
  std::erase_if(alternatives, [&](const Alternative& a) { return !k.source->validate(a.sql).ok(); });
  if (out.answer.sql.empty()) {
    if (alternatives.empty()) return Error::invalid("the question can be read several ways and none of them is valid SQL here");
    return out;  // a clarifying question, no SQL to run
  }
  if (Status valid = k.source->validate(out.answer.sql); !valid) return valid.error();
  return out;
}

Result<Queried> QueryEngine::query(const std::string& question, const std::string& database) {
  auto parsed = parse(question, database);
  if (!parsed) return parsed.error();
  if (parsed->answer.sql.empty()) return Queried{std::move(parsed).value(), Rows{}};
  auto source = catalog_->source(parsed->database);
  auto rows = source->execute(parsed->answer.sql, options_.exec);
  if (!rows && parsed->backend == "llm" && !parsed->corrected && rows.error().code == ErrorCode::kInvalidArgument) {
    // One correction round: the model sees what the database said.
    auto knowledge = catalog_->knowledge(parsed->database);
    if (!knowledge) return knowledge.error();
    auto fixed = llm_->write_sql(question, (*knowledge)->schema, source->dialect(), parsed->answer.sql, rows.error().message);
    if (!fixed) return fixed.error();
    if (Status valid = source->validate(*fixed); !valid) return valid.error();
    parsed->answer.sql = *fixed;
    parsed->corrected = true;
    rows = source->execute(*fixed, options_.exec);
  }
  if (!rows) return rows.error();
  return Queried{std::move(parsed).value(), std::move(rows).value()};
}

}  // namespace chatdb::nl2sql
