#include "tests/unit/nl2sql/test_databases.h"

#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace chatdb::nl2sql::testing {

TempDir::TempDir() {
  std::mt19937_64 rng(std::random_device{}());
  path_ = (std::filesystem::temp_directory_path() / ("chatdb-nl2sql-" + std::to_string(rng()))).string();
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string questions_dir() { return CHATDB_QUESTIONS_DIR; }

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

const std::string& library_script() {
  static const std::string kScript = read_text_file(questions_dir() + "/library.sql");
  return kScript;
}

void write_database(const std::string& path, const std::string& script) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) {
    sqlite3_close(db);
    throw std::runtime_error("cannot create " + path);
  }
  char* err = nullptr;
  int rc = sqlite3_exec(db, script.c_str(), nullptr, nullptr, &err);
  std::string message = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(db);
  if (rc != SQLITE_OK) throw std::runtime_error("database script failed for " + path + ": " + message);
}

void write_library_database(const std::string& path) { write_database(path, library_script()); }

std::shared_ptr<QueryEngine> engine_for(const std::string& name, std::shared_ptr<DataSource> source) {
  auto catalog = std::make_shared<Catalog>();
  catalog->add(name, std::move(source));
  EngineOptions options;
  options.exec.max_rows = 100000;
  return std::make_shared<QueryEngine>(catalog, options, [] { return std::chrono::system_clock::time_point(test_today()) + std::chrono::hours(12); });
}

std::vector<std::vector<nlohmann::json>> sorted_rows(DataSource& source, const std::string& sql) {
  auto rows = source.execute(sql, ExecOptions{100000, std::chrono::milliseconds(10000)});
  if (!rows) throw std::runtime_error("reference SQL failed: " + rows.error().message + "\n" + sql);
  auto out = rows->rows;
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace chatdb::nl2sql::testing
