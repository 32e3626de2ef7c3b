// The question tests as data: every line of tests/nl2sql/questions/NAME.jsonl is one test case,
// asked of the database NAME (the generated demo database for "demo", else the one NAME.sql
// creates), in the spirit of sqllogictest files. A line is a JSON object:
//
//   {"question": "...", "expected": "<reference SQL>", "sql_contains": ["..."], "shape": "count"}
//   {"question": "...", "abstain": true, "shape": "abstain"}
//
// An answered question passes when the engine answers with confidence >= 0.62 and an
// explanation, its SQL holds every `sql_contains` fragment, it has rows, and its rows match the
// reference's leniently: as many rows, and some choice of distinct answer columns, one per
// reference column, gives exactly the reference's rows as a multiset (so an answer that shows
// every column of an entity passes where the reference selects only its name). A question
// marked `abstain` passes when the engine refuses it (returns an error).
#include "nl2sql/demo_database.h"
#include "nl2sql/sqlite_source.h"
#include "tests/unit/nl2sql/test_databases.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

namespace chatdb::nl2sql {
namespace {

constexpr double kMinConfidence = 0.62;

struct QuestionCase {
  std::string schema;  // the file's stem: demo, library, clinic, ...
  std::string file;    // the file's name, for messages
  int line = 0;
  std::string question;
  std::string expected;  // reference SQL; empty when `abstain`
  std::vector<std::string> sql_contains;
  std::string shape;
  bool abstain = false;
  std::string error;  // the line could not be read: the test case fails with this
};

std::ostream& operator<<(std::ostream& out, const QuestionCase& c) {
  return out << c.file << ":" << c.line << " \"" << c.question << "\"";
}

QuestionCase read_line(const std::string& schema, const std::string& file, int line_number, const std::string& line) {
  QuestionCase c;
  c.schema = schema;
  c.file = file;
  c.line = line_number;
  auto fail = [&](const std::string& why) {
    c.error = file + ":" + std::to_string(line_number) + ": " + why;
    return c;
  };
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(line);
  } catch (const nlohmann::json::exception& e) {
    return fail(std::string("not JSON: ") + e.what());
  }
  if (!j.is_object()) return fail("not a JSON object");
  for (const auto& [key, value] : j.items()) {
    if (key != "question" && key != "expected" && key != "sql_contains" && key != "shape" && key != "abstain") {
      return fail("unknown key '" + key + "'");
    }
  }
  if (!j.contains("question") || !j["question"].is_string() || j["question"].get<std::string>().empty()) {
    return fail("'question' must be a non-empty string");
  }
  c.question = j["question"].get<std::string>();
  if (j.contains("abstain")) {
    if (!j["abstain"].is_boolean()) return fail("'abstain' must be true or false");
    c.abstain = j["abstain"].get<bool>();
  }
  if (j.contains("expected")) {
    if (!j["expected"].is_string() || j["expected"].get<std::string>().empty()) {
      return fail("'expected' must be a non-empty string of SQL");
    }
    c.expected = j["expected"].get<std::string>();
  }
  if (c.abstain && !c.expected.empty()) return fail("a line has either 'expected' or 'abstain', not both");
  if (!c.abstain && c.expected.empty()) return fail("a line needs 'expected' (or 'abstain': true)");
  if (j.contains("sql_contains")) {
    if (!j["sql_contains"].is_array()) return fail("'sql_contains' must be an array of strings");
    for (const auto& part : j["sql_contains"]) {
      if (!part.is_string()) return fail("'sql_contains' must be an array of strings");
      c.sql_contains.push_back(part.get<std::string>());
    }
  }
  if (j.contains("shape")) {
    if (!j["shape"].is_string()) return fail("'shape' must be a string");
    c.shape = j["shape"].get<std::string>();
  }
  return c;
}

// Every line of every .jsonl file in the questions directory, files in name order.
std::vector<QuestionCase> load_cases() {
  std::vector<QuestionCase> cases;
  const std::filesystem::path dir = testing::questions_dir();
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".jsonl") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    QuestionCase c;
    c.schema = "none";
    c.file = dir.string();
    c.error = "no .jsonl question files in " + dir.string() + (ec ? ": " + ec.message() : "");
    cases.push_back(c);
    return cases;
  }
  for (const auto& path : files) {
    std::ifstream in(path);
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
      ++number;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;  // blank lines are allowed
      cases.push_back(read_line(path.stem().string(), path.filename().string(), number, line));
    }
  }
  return cases;
}

// One database per schema, built at first use and kept for the whole run.
struct QuestionDatabase {
  std::unique_ptr<testing::TempDir> dir;
  std::shared_ptr<SqliteSource> source;
  std::shared_ptr<QueryEngine> engine;
  std::string error;
};

QuestionDatabase& database_for(const std::string& schema) {
  static std::mutex mutex;
  static std::map<std::string, QuestionDatabase> databases;
  std::lock_guard lock(mutex);
  auto found = databases.find(schema);
  if (found != databases.end()) return found->second;
  QuestionDatabase& db = databases[schema];
  try {
    db.dir = std::make_unique<testing::TempDir>();
    const std::string path = db.dir->path() + "/" + schema + ".db";
    const std::string script = testing::questions_dir() + "/" + schema + ".sql";
    if (std::filesystem::exists(script)) {
      testing::write_database(path, testing::read_text_file(script));
    } else if (schema == "demo") {
      auto status = DemoDatabase::ensure(path);
      if (!status.ok()) throw std::runtime_error("DemoDatabase::ensure: " + status.error().message);
    } else {
      throw std::runtime_error("no " + script + " to create the database " + schema);
    }
    db.source = std::make_shared<SqliteSource>(path);
    db.engine = testing::engine_for(schema, db.source);
  } catch (const std::exception& e) {
    db.error = e.what();
  }
  return db;
}

// A value as a string that compares equal across SQLite's integer and real forms of a number.
std::string canonical(const nlohmann::json& v) {
  if (v.is_null()) return "null";
  if (v.is_boolean()) return v.get<bool>() ? "n:1" : "n:0";
  if (v.is_number_integer()) return "n:" + std::to_string(v.get<std::int64_t>());
  if (v.is_number_unsigned()) return "n:" + std::to_string(v.get<std::uint64_t>());
  if (v.is_number_float()) {
    double d = v.get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 1e15) {
      return "n:" + std::to_string(static_cast<std::int64_t>(d));
    }
    char buf[64];
    std::snprintf(buf, sizeof buf, "n:%.12g", d);
    return buf;
  }
  if (v.is_string()) return "s:" + v.get<std::string>();
  return "j:" + v.dump();
}

using Table = std::vector<std::vector<std::string>>;

Table canonical_rows(const std::vector<std::vector<nlohmann::json>>& rows) {
  Table out;
  out.reserve(rows.size());
  for (const auto& row : rows) {
    std::vector<std::string> r;
    r.reserve(row.size());
    for (const auto& v : row) r.push_back(canonical(v));
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<std::string> sorted_column(const Table& t, std::size_t column) {
  std::vector<std::string> out;
  out.reserve(t.size());
  for (const auto& row : t) out.push_back(column < row.size() ? row[column] : "");
  std::sort(out.begin(), out.end());
  return out;
}

// Whether some injective choice of answer columns (one per reference column, in the
// reference's order) makes the answer's rows equal the reference's as multisets.
bool rows_match(const Table& answer, const Table& reference) {
  if (answer.size() != reference.size()) return false;
  if (reference.empty()) return true;
  const std::size_t ref_columns = reference[0].size();
  const std::size_t answer_columns = answer.empty() ? 0 : answer[0].size();
  // Candidates per reference column: the answer columns holding the same multiset of values.
  std::vector<std::vector<std::size_t>> candidates(ref_columns);
  for (std::size_t r = 0; r < ref_columns; ++r) {
    auto want = sorted_column(reference, r);
    for (std::size_t a = 0; a < answer_columns; ++a) {
      if (sorted_column(answer, a) == want) candidates[r].push_back(a);
    }
    if (candidates[r].empty()) return false;
  }
  Table sorted_reference = reference;
  std::sort(sorted_reference.begin(), sorted_reference.end());
  std::vector<std::size_t> choice(ref_columns);
  std::vector<bool> used(answer_columns, false);
  long budget = 200000;  // assignments tried at most
  std::function<bool(std::size_t)> search = [&](std::size_t r) -> bool {
    if (r == ref_columns) {
      if (--budget < 0) return false;
      Table projected;
      projected.reserve(answer.size());
      for (const auto& row : answer) {
        std::vector<std::string> p;
        p.reserve(ref_columns);
        for (auto c : choice) p.push_back(row[c]);
        projected.push_back(std::move(p));
      }
      std::sort(projected.begin(), projected.end());
      return projected == sorted_reference;
    }
    for (auto a : candidates[r]) {
      if (used[a]) continue;
      used[a] = true;
      choice[r] = a;
      bool found = search(r + 1);
      used[a] = false;
      if (found) return true;
    }
    return false;
  };
  return search(0);
}

std::string show(const std::vector<std::string>& columns, const std::vector<std::vector<nlohmann::json>>& rows) {
  std::ostringstream out;
  out << "    columns:";
  for (const auto& c : columns) out << " " << c;
  out << "\n";
  const std::size_t shown = std::min<std::size_t>(rows.size(), 8);
  for (std::size_t i = 0; i < shown; ++i) {
    out << "    ";
    for (std::size_t k = 0; k < rows[i].size(); ++k) out << (k ? " | " : "") << rows[i][k].dump();
    out << "\n";
  }
  if (rows.size() > shown) out << "    ... " << rows.size() << " rows in all\n";
  return out.str();
}

class QuestionFiles : public ::testing::TestWithParam<QuestionCase> {};

TEST_P(QuestionFiles, Answers) {
  const QuestionCase& c = GetParam();
  ASSERT_TRUE(c.error.empty()) << c.error;
  QuestionDatabase& db = database_for(c.schema);
  ASSERT_TRUE(db.error.empty()) << c << ": cannot build the database '" << c.schema << "': " << db.error;

  auto answer = db.engine->query(c.question, c.schema);
  if (c.abstain) {
    EXPECT_FALSE(answer.ok()) << c << ": should abstain, but answered " << answer->parsed.answer.sql;
    return;
  }
  ASSERT_TRUE(answer.ok()) << c << ": " << answer.error().message;
  const Answer& parsed = answer->parsed.answer;
  ASSERT_FALSE(parsed.sql.empty()) << c << ": the engine asked a clarifying question instead of answering";

  auto reference = db.source->execute(c.expected, ExecOptions{100000, std::chrono::milliseconds(10000)});
  ASSERT_TRUE(reference.ok()) << c << ": the reference SQL failed: " << reference.error().message << "\n  "
                              << c.expected;
  EXPECT_FALSE(reference->rows.empty()) << c << ": the reference SQL has no rows; a test question should have an answer";

  EXPECT_FALSE(answer->rows.rows.empty()) << c << ": no rows from " << parsed.sql;
  EXPECT_TRUE(rows_match(canonical_rows(answer->rows.rows), canonical_rows(reference->rows)))
      << c << ": the rows differ from the reference's\n  got:      " << parsed.sql << "\n"
      << show(answer->rows.columns, answer->rows.rows) << "  expected: " << c.expected << "\n"
      << show(reference->columns, reference->rows);
  for (const auto& part : c.sql_contains) {
    EXPECT_NE(parsed.sql.find(part), std::string::npos) << c << ": no '" << part << "' in " << parsed.sql;
  }
  EXPECT_GE(parsed.confidence, kMinConfidence) << c << ": " << parsed.sql;
  EXPECT_FALSE(parsed.explanation.empty()) << c << ": no explanation for " << parsed.sql;
}

std::string case_name(const ::testing::TestParamInfo<QuestionCase>& info) {
  std::string name;
  for (char ch : info.param.schema) name += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
  return name + "_line_" + std::to_string(info.param.line);
}

INSTANTIATE_TEST_SUITE_P(Questions, QuestionFiles, ::testing::ValuesIn(load_cases()), case_name);

// The lenient comparison itself, on small tables.
TEST(QuestionFilesRowMatch, PicksOneAnswerColumnPerReferenceColumn) {
  using J = nlohmann::json;
  auto t = [](std::vector<std::vector<J>> rows) { return canonical_rows(rows); };
  // SELECT * against SELECT name: the name column is found among the others.
  EXPECT_TRUE(rows_match(t({{1, "Ana", 3.5}, {2, "Rui", 1.0}}), t({{"Rui"}, {"Ana"}})));
  // Columns in another order, and an integer equal to a real.
  EXPECT_TRUE(rows_match(t({{"a", 2}, {"b", 3}}), t({{3.0, "b"}, {2, "a"}})));
  // Columns must stay together row by row, not just as separate multisets.
  EXPECT_FALSE(rows_match(t({{"a", 1}, {"b", 2}}), t({{"a", 2}, {"b", 1}})));
  // The same number of rows: duplicates count.
  EXPECT_FALSE(rows_match(t({{"a"}, {"a"}}), t({{"a"}})));
  // Two reference columns need two distinct answer columns.
  EXPECT_FALSE(rows_match(t({{"x"}}), t({{"x", "x"}})));
  EXPECT_TRUE(rows_match(t({{"x", "x", 1}}), t({{"x", "x"}})));
  // A NULL matches only a NULL.
  EXPECT_FALSE(rows_match(t({{J()}}), t({{""}})));
  EXPECT_FALSE(rows_match(t({{1}}), t({{"1"}})));
}

}  // namespace
}  // namespace chatdb::nl2sql
