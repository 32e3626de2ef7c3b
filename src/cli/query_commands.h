#pragma once

#include "cli/command.h"
#include "nl2sql/llm_backend.h"
#include "nl2sql/query_engine.h"

#include <functional>
#include <memory>
#include <string>

namespace chatdb::cli {

/// The query engine of this process over the configured sources, plus `database_url` as the
/// source "cli" when it is not empty (the wiring in main.cpp builds it).
using EngineFactory = std::function<std::shared_ptr<nl2sql::QueryEngine>(const Config& config, const std::string& database_url,
                                                                         const nl2sql::LlmOptions& llm)>;

/// `chatdb ask QUESTION [--database NAME] [--format table|csv|json]`: asks the running
/// query-parser (QUERY_PARSER_URL); with `--local URL`, a database of its own in this process.
/// Prints the SQL, its explanation and the rows (or the clarifying question and the readings).
Command add_ask(CLI::App& app, EngineFactory make_engine);

/// `chatdb parse --batch FILE`: {"id", "question"} lines in, {"id", "sql"} lines out, in process.
Command add_parse(CLI::App& app, EngineFactory make_engine);

}  // namespace chatdb::cli
