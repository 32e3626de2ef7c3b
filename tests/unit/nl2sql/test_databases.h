#pragma once

#include "nl2sql/catalog.h"
#include "nl2sql/data_source.h"
#include "nl2sql/query_engine.h"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace chatdb::nl2sql::testing {

/// The day every test treats as today, so that "last month" has one meaning.
inline std::chrono::sys_days test_today() {
  using namespace std::chrono;
  return sys_days{year(2025) / June / 15};
}

/// A fresh temporary directory, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

/// tests/nl2sql/questions in the source tree: per schema a question file `NAME.jsonl` and,
/// except for the generated demo database, the script `NAME.sql` that creates the database.
std::string questions_dir();
/// The whole file at `path`; throws std::runtime_error when it cannot be read.
std::string read_text_file(const std::string& path);

/// Runs the SQL `script` on a new SQLite file at `path`; throws std::runtime_error on failure.
void write_database(const std::string& path, const std::string& script);

/// Writes the library database (a schema unlike the demo: singular table names, text keys,
/// first and last names, nullable return dates) at `path` with fixed rows.
void write_library_database(const std::string& path);
/// The SQL script of the library database (questions_dir()/library.sql), for PostgreSQL as well.
const std::string& library_script();

/// An engine over one SQLite file registered as `name`, with the test clock.
std::shared_ptr<QueryEngine> engine_for(const std::string& name, std::shared_ptr<DataSource> source);

/// Runs SQL directly (read-only) and returns its rows sorted, for comparing answers.
std::vector<std::vector<nlohmann::json>> sorted_rows(DataSource& source, const std::string& sql);

}  // namespace chatdb::nl2sql::testing
