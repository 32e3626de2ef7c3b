// The question parser and the SQL validators, through the query parser's public entry point
// (QueryEngine::parse on the demo database): any text gets a client error or one validated
// SELECT. The same text also goes to PostgreSQL's validator as SQL.
#include "nl2sql/catalog.h"
#include "nl2sql/demo_database.h"
#include "nl2sql/query_engine.h"
#include "nl2sql/sql_validator.h"
#include "nl2sql/sqlite_source.h"
#include "tests/fuzz/fuzz_check.h"

#include <cctype>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <unistd.h>

namespace {

using namespace chatdb::nl2sql;

std::shared_ptr<QueryEngine> engine;
std::shared_ptr<DataSource> source;

bool select_like(const std::string& sql) {
  std::size_t i = 0;
  while (i < sql.size() && (std::isspace(static_cast<unsigned char>(sql[i])) || sql[i] == '(')) ++i;
  std::string head;
  for (; i < sql.size() && std::isalpha(static_cast<unsigned char>(sql[i])); ++i) {
    head += static_cast<char>(std::toupper(static_cast<unsigned char>(sql[i])));
  }
  return head == "SELECT" || head == "WITH";
}

bool client_error(chatdb::ErrorCode code) {
  return code == chatdb::ErrorCode::kInvalidArgument || code == chatdb::ErrorCode::kPayloadTooLarge;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // One demo database per process, removed at exit.
  static const std::string dir = (std::filesystem::temp_directory_path() / ("chatdb-fuzz-nl2sql-" + std::to_string(::getpid()))).string();
  std::filesystem::create_directories(dir);
  std::atexit([] { std::filesystem::remove_all(dir); });
  const std::string path = dir + "/demo.db";
  if (!DemoDatabase::ensure(path).ok()) std::abort();
  source = std::make_shared<SqliteSource>(path);
  auto catalog = std::make_shared<Catalog>();
  catalog->add("demo", source);
  // A fixed today, so that a finding replays the same way.
  auto today = std::chrono::sys_days(std::chrono::year{2025} / 6 / 15);
  engine = std::make_shared<QueryEngine>(catalog, EngineOptions{}, [today] { return std::chrono::system_clock::time_point(today); });
  if (!engine->catalog().knowledge("demo").ok()) std::abort();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto parsed = engine->parse(text, "demo");
  if (parsed) {
    const auto& answer = parsed->answer;
    if (!answer.sql.empty()) {
      FUZZ_CHECK(select_like(answer.sql));
      FUZZ_CHECK(source->validate(answer.sql).ok());
    } else {
      FUZZ_CHECK(!answer.clarification.empty());
    }
    for (const auto& alternative : answer.alternatives) {
      if (alternative.sql.empty()) continue;
      FUZZ_CHECK(select_like(alternative.sql));
      FUZZ_CHECK(source->validate(alternative.sql).ok());
    }
  } else {
    FUZZ_CHECK(client_error(parsed.error().code));
    FUZZ_CHECK(chatdb::fuzz::clean_message(parsed.error().message, text));
  }
  auto checked = SqlValidator::check_postgres_select(text);
  if (!checked) FUZZ_CHECK(chatdb::fuzz::clean_message(checked.error().message, text));
  return 0;
}
