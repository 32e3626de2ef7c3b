#include "nl2sql/interpreter_stages.h"

#include "nl2sql/text.h"
#include "nl2sql/vocabulary.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <optional>
#include <set>

namespace chatdb::nl2sql {

// Whether table `t` is the subject's own or reachable from it.
std::optional<std::size_t> Interpreter::distance(const std::string& from, const std::string& to) const {
  auto path = schema_.join_path(from, to);
  if (!path) return std::nullopt;
  return path->size();
}

bool Interpreter::is_name_column(const std::string& table, const std::string& column) const {
  const Table* t = schema_.table(table);
  if (t == nullptr) return false;
  for (const Column* c : schema_.name_columns(*t)) {
    if (c->name == column) return true;
  }
  return false;
}

Status Interpreter::choose_subject() {
  // A table named after a role word ("never ordered", "more than 3 orders", "per category")
  // is not what is asked about: the first other table is.
  for (long i = 0; i < size(); ++i) {
    if (at(i).kind != Kind::kTable || at(i).verb) continue;
    if (role_of_table(i) != TableRole::kSubject) continue;
    subject_ = schema_.table(at(i).terms.front().table);
    subject_at_ = i;
    at(i).used = true;
    break;
  }
  if (subject_ != nullptr) return Status::success();
  // "who teaches Machine Learning": a word naming a reference (courses.taught_by) asks for
  // the rows it refers to.
  if (word(0) == "who" || word(0) == "whom") {
    for (long i = 0; i < size(); ++i) {
      if (at(i).kind != Kind::kColumn) continue;
      for (const auto& term : at(i).terms) {
        const ForeignKey* fk = reference_of(term.table, term.column);
        if (fk == nullptr) continue;
        subject_ = schema_.table(fk->ref_table);
        at(i).used = true;
        return Status::success();
      }
    }
  }
  // No table named: the table of the first column named, preferring one that also holds a
  // value of the question in its name column ("how many people live in texas").
  for (long i = 0; i < size(); ++i) {
    if (at(i).kind != Kind::kColumn) continue;
    // Each value scores the tables that hold it (more when it names their rows, most when
    // other columns refer to it); the first value counts double, later ones qualify it.
    // Tables named elsewhere in the question, by role words, count too.
    std::vector<std::pair<const Table*, double>> scored;
    for (const auto& term : at(i).terms) {
      double score = 0;
      double weight = 2;
      for (long j = 0; j < size(); ++j) {
        if (at(j).kind == Kind::kTable && !at(j).terms.empty()) {
          auto d = distance(term.table, at(j).terms.front().table);
          if (d && *d <= 1) score += 1;
        }
        if (at(j).kind != Kind::kValue) continue;
        double value_score = 0;
        for (const auto& v : at(j).values) {
          if (v.table == term.table) {
            value_score = std::max(value_score, is_name_column(v.table, v.column) ? (referenced_by_other(v, at(j).values) ? 3.5 : 3.0) : 2.0);
          } else if (distance(term.table, v.table)) {
            value_score = std::max(value_score, 1.0);
          }
        }
        score += weight * value_score;
        weight = 1;
      }
      const Table* t = schema_.table(term.table);
      if (std::none_of(scored.begin(), scored.end(), [&](const auto& s) { return s.first == t; })) scored.emplace_back(t, score);
    }
    std::stable_sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) { return a.second > b.second + 1e-9; });
    std::vector<std::string> tied;
    for (const auto& [t, score] : scored) {
      if (std::abs(score - scored.front().second) < 1e-9) tied.push_back(t->name);
    }
    std::size_t pick = 0;
    if (tied.size() > 1) {
      doubt(0.6, "'" + at(i).word + "' is a column of several tables and nothing tells which");
      pick = choices_.choose("'" + at(i).raw + "' is in several tables: which is meant?", tied);
    }
    subject_ = scored[pick].first;
    return Status::success();
  }
  // Only values: the table whose name column holds them ("where is jamerican cuisine").
  for (long i = 0; i < size(); ++i) {
    if (at(i).kind != Kind::kValue) continue;
    for (const auto& v : at(i).values) {
      if (is_name_column(v.table, v.column)) {
        subject_ = schema_.table(v.table);
        doubt(0.7, "no table is named; answering about " + v.table);
        return Status::success();
      }
    }
  }
  // "list the thrillers": the table that holds the value, when only one does.
  for (long i = 0; i < size(); ++i) {
    if (at(i).kind != Kind::kValue || at(i).values.empty()) continue;
    const auto& values = at(i).values;
    bool one_table = std::all_of(values.begin(), values.end(), [&](const ValueMatch& v) { return v.table == values.front().table; });
    subject_ = schema_.table(values.front().table);
    subject_from_value_ = true;
    doubt(one_table ? 0.8 : 0.6, "no table is named; answering about " + values.front().table);
    return Status::success();
  }
  return Error::invalid(no_subject_message());
}

std::string Interpreter::no_subject_message() const {
  std::string msg = "could not tell which table the question is about";
  if (!unknown_.empty()) msg = "no table or column matches '" + unknown_.front() + "'";
  std::string best;
  int best_d = 1 << 30;
  for (const auto& w : unknown_) {
    for (const auto& t : schema_.tables()) {
      auto consider = [&](const std::string& name) {
        int d = std::min(edit_distance(w, lower(name)), edit_distance(stem(w), join(split_identifier(name), " ")));
        for (const auto& part : split_identifier(name)) d = std::min(d, edit_distance(stem(w), stem(part)) + 1);
        if (d < best_d) {
          best_d = d;
          best = name == t.name ? t.name : t.name + "." + name;
        }
      };
      consider(t.name);
      for (const auto& c : t.columns) consider(c.name);
    }
  }
  if (!best.empty()) msg += "; closest: " + best;
  std::vector<std::string> names;
  for (const auto& t : schema_.tables()) names.push_back(t.name);
  return msg + " (tables: " + join(names, ", ") + ")";
}

// Reads the words before the table at i to tell its role.
Interpreter::TableRole Interpreter::role_of_table(long i) const {
  for (long k = i - 1; k >= 0 && k >= i - 4; --k) {
    const LinkedItem& it = items_[static_cast<std::size_t>(k)];
    if (it.kind != Kind::kWord && it.kind != Kind::kNumber && it.kind != Kind::kSymbol) break;
    std::string w = it.word;
    if (is_absence(w)) return TableRole::kAbsent;
    // "have not placed any orders"; "aren't teaching" when a verb names the relation
    if (w == "not" && (k + 1 < i || items_[static_cast<std::size_t>(i)].verb)) return TableRole::kAbsent;
    if (it.kind == Kind::kNumber && k == i - 1 && k > 0 && comparator_before(k)) return TableRole::kHaving;
    if (groups_at(k) && !(w == "by" && subject_ == nullptr && k == 0)) return TableRole::kGroup;
    if (w == "most" || w == "fewest" || w == "least") {
      bool only_stops = true;
      for (long j = k + 1; j < i; ++j) only_stops = only_stops && is_stop(word(j));
      if (only_stops) return TableRole::kMost;
    }
    if (w == "of" && k == i - 1 && k > 0 && (word(k - 1) == "number" || word(k - 1) == "count")) return TableRole::kSubject;
  }
  // "customers with 3 or more orders"
  if (i >= 3 && items_[static_cast<std::size_t>(i - 1)].kind == Kind::kWord &&
      (word(i - 1) == "more" || word(i - 1) == "fewer" || word(i - 1) == "less") && word(i - 2) == "or" &&
      items_[static_cast<std::size_t>(i - 3)].kind == Kind::kNumber) {
    return TableRole::kHaving;
  }
  return TableRole::kSubject;
}

// "price per seat": a numeric column of the subject whose name says "per" and this word.
bool Interpreter::names_a_rate(const std::string& noun) const {
  for (const auto& c : subject_->columns) {
    if (!c.numeric()) continue;
    auto words = split_identifier(c.name);
    bool per = std::find(words.begin(), words.end(), "per") != words.end();
    bool named = std::any_of(words.begin(), words.end(), [&](const std::string& w) { return stem(w) == stem(noun); });
    if (per && named) return true;
  }
  return false;
}

// "per" and "by" group; "each" and "every" group only after what is measured ("orders for
// each customer"), not as a determiner ("show me every instructor").
bool Interpreter::groups_at(long k) const {
  std::string w = word(k);
  if (!is_grouping(w)) return false;
  if (w != "each" && w != "every") return true;
  if (word(k - 1) == "for" || word(k - 1) == "in") return true;
  for (long j = 0; j < k; ++j) {
    Kind kind = items_[static_cast<std::size_t>(j)].kind;
    if (kind == Kind::kTable || kind == Kind::kColumn) return true;
    if (word(j) == "how" || word(j) == "number" || aggregate_word(j)) return true;
  }
  return false;
}

}  // namespace chatdb::nl2sql
