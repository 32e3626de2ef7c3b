#include "nl2sql/parser.h"

#include "nl2sql/date_reader.h"
#include "nl2sql/interpreter.h"
#include "nl2sql/linker.h"
#include "nl2sql/sql_builder.h"
#include "nl2sql/sql_validator.h"
#include "nl2sql/text.h"
#include "nl2sql/tokenizer.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace chatdb::nl2sql {
namespace {

// SQL typed in place of a question: a statement keyword first, and SQL's shape after it.
bool looks_like_sql(const std::string& text, const std::vector<Token>& tokens, const Lexicon& lexicon) {
  static const std::set<std::string> kStatements = {
      "select", "with", "insert", "update", "delete", "drop", "create", "alter", "truncate", "grant", "revoke",
      "copy", "merge", "set", "begin", "commit", "rollback", "vacuum", "attach", "detach", "pragma", "reindex",
      "replace", "call", "do", "execute", "prepare", "lock", "listen", "notify", "analyze", "explain", "values",
      "table", "declare", "savepoint", "release", "load", "import", "cluster", "comment", "security", "refresh",
      "discard", "reset", "show", "upsert"};
  if (tokens.size() < 2 || !kStatements.count(tokens[0].text)) return false;
  std::string second = tokens[1].text;
  // "show me ..." and "select the customers ..." are questions; "SELECT name FROM t" is SQL.
  static const std::set<std::string> kSqlSecond = {"table", "from", "into", "database", "schema", "index", "view", "*",
                                                   "distinct", "all", "transaction", "role", "user", "function",
                                                   "extension", "trigger", "sequence", "session", "local", "if"};
  bool has_from = false;
  for (const auto& t : tokens) has_from |= t.text == "from" || t.text == "into" || t.text == "where" || t.text == "set";
  if (tokens[0].text == "select") return has_from || kSqlSecond.count(second);
  // "show all customers", "show the retired bikes": English unless PostgreSQL's grammar reads it,
  // and "show orders" (grammatical: SHOW a setting) is English when it names a table or column.
  if (tokens[0].text == "show" || tokens[0].text == "set") {
    return SqlValidator::parses(text) && lexicon.lookup(stem(second)).empty();
  }
  return kSqlSecond.count(second) || has_from || tokens[0].text != "with";
}


}  // namespace

Parser::Parser(const Schema& schema, const ValueIndex& values, const Lexicon& lexicon, Dialect dialect,
               std::chrono::sys_days today, double min_confidence)
    : schema_(schema), values_(values), lexicon_(lexicon), dialect_(dialect), today_(today),
      min_confidence_(min_confidence) {}

Result<Answer> Parser::parse(const std::string& question) const {
  std::vector<Token> tokens = Tokenizer::tokenize(question);
  if (tokens.empty()) return Error::invalid("the question has no words; ask something like 'how many rows are in TABLE'");
  if (looks_like_sql(question, tokens, lexicon_)) {
    // SQL typed as a question is passed on as it is; the validator decides whether it may run.
    std::string sql = question;
    while (!sql.empty() && (sql.back() == ';' || sql.back() == ' ' || sql.back() == '\n')) sql.pop_back();
    if (tokens[0].text != "select" && tokens[0].text != "with" && tokens[0].text != "values" && tokens[0].text != "table") {
      return Error::invalid("only read-only questions are answered; '" + tokens[0].raw + "' statements are refused");
    }
    return Answer{sql, "Runs the SQL as given, if it is a single read-only SELECT.", 1.0, {}, true, {}, {}};
  }
  DateReader dates(today_);
  Linker linker(values_, lexicon_, dates, WordNet::system());
  LinkedQuestion linked = linker.link(tokens);
  Choices choices;
  auto reading = interpret(schema_, values_, linked, choices);
  if (!reading) return reading.error();
  SqlBuilder builder(schema_, dialect_);
  auto rendered = builder.render(reading->plan);
  if (!rendered) return rendered.error();
  Answer a;
  a.sql = rendered->sql;
  a.explanation = rendered->explanation;
  a.confidence = rounded(reading->confidence);
  a.tables = rendered->tables;
  a.alternatives = alternatives(linked, choices.made(), a.sql);
  if (reading->confidence >= min_confidence_) return a;
  if (a.alternatives.empty()) {
    std::string why = reading->doubts.empty() ? "" : ": " + join(reading->doubts, "; ");
    return Error::invalid("not confident enough to answer (confidence " + std::to_string(a.confidence).substr(0, 4) + ")" + why);
  }
  // Readings too close to choose from: ask, and offer each of them.
  const Choice& open = choices.made().front();
  a.clarification = open.what + " (" + join(open.options, " or ") + ")";
  a.alternatives.insert(a.alternatives.begin(), Alternative{a.sql, a.explanation, a.confidence});
  a.sql.clear();
  a.explanation.clear();
  return a;
}

double Parser::rounded(double confidence) { return std::round(confidence * 100) / 100; }

std::vector<Alternative> Parser::alternatives(const LinkedQuestion& linked, const std::vector<Choice>& made,
                                              const std::string& first_sql) const {
  constexpr std::size_t kMaxChoices = 3;
  constexpr std::size_t kMaxOptions = 3;
  std::vector<Alternative> out;
  SqlBuilder builder(schema_, dialect_);
  for (std::size_t i = 0; i < made.size() && i < kMaxChoices; ++i) {
    for (std::size_t option = 1; option < made[i].options.size() && option < kMaxOptions; ++option) {
      Choices forced(i, option);
      auto reading = interpret(schema_, values_, linked, forced);
      if (!reading) continue;
      auto rendered = builder.render(reading->plan);
      if (!rendered || rendered->sql == first_sql) continue;
      bool seen = std::any_of(out.begin(), out.end(), [&](const Alternative& x) { return x.sql == rendered->sql; });
      if (!seen) out.push_back({rendered->sql, rendered->explanation, rounded(reading->confidence)});
    }
  }
  return out;
}

}  // namespace chatdb::nl2sql
