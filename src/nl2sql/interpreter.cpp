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

Result<QueryPlan> Interpreter::interpret() {
  merge_compounds();
  read_intent();
  if (auto s = choose_subject(); !s.ok()) return s.error();
  plan_.subject = subject_->name;
  read_limit();
  read_average_comparisons();
  if (auto s = read_comparisons(); !s.ok()) return s.error();
  read_absences();
  if (auto s = read_grouping(); !s.ok()) return s.error();
  read_flags();
  if (auto s = read_superlatives(); !s.ok()) return s.error();
  if (auto s = read_values(); !s.ok()) return s.error();
  if (auto s = read_dates(); !s.ok()) return s.error();
  read_related_tables();
  if (auto s = build_outputs(); !s.ok()) return s.error();
  check_absences();
  // Words that named nothing and that no stage read ("per month" is read by grouping). A noun or
  // adjective that names nothing may be what the question is about ("dorms", "international"):
  // no answer is sure without it. A verb that names nothing mostly says how things relate
  // ("which department is housed in"), which the joins already say.
  for (const auto& w : unknown_) {
    if (!read_word(w)) doubt(0.6, "'" + w + "' matches no table, column or stored value");
  }
  for (const auto& w : unlinked_verbs_) {
    if (!read_word(w)) doubt(0.85, "'" + w + "' is read as a verb that names no column");
  }
  for (const auto& it : items_) {
    if (it.kind == Kind::kWord && !it.used && !is_stop(it.word) && !Lexicon::dimension_of(it.word).empty()) {
      doubt(0.6, "'" + it.word + "' is not understood here");
    }
    if (it.kind == Kind::kNumber && !it.used) doubt(0.5, "could not tell what " + it.raw + " refers to");
    if (it.kind == Kind::kWord && !it.used && superlative_of(it.word) && it.word != "first" && it.word != "last") {
      doubt(0.5, "could not tell what '" + it.word + "' ranks");
    }
    if (it.kind == Kind::kWord && !it.used && (it.word == "average" || it.word == "avg" || it.word == "mean" ||
                                               it.word == "sum" || it.word == "maximum" || it.word == "minimum")) {
      doubt(0.5, "could not tell what '" + it.word + "' applies to");
    }
    if (it.kind == Kind::kWord && !it.used && (is_negation(it.word) || is_absence(it.word)) && it.word != "but") {
      doubt(0.5, "could not tell what '" + it.word + "' negates");
    }
  }
  if (auto s = check_not_echo(); !s.ok()) return s.error();
  return plan_;
}

bool Interpreter::read_word(const std::string& w) const {
  return std::any_of(items_.begin(), items_.end(), [&](const LinkedItem& it) { return it.word == w && it.used; });
}

void Interpreter::doubt(double factor, std::string why) {
  confidence_ *= factor;
  doubts_.push_back(std::move(why));
}

// The word at i, or "" when i is out of range or not a plain word.
std::string Interpreter::word(long i) const {
  if (i < 0 || i >= static_cast<long>(items_.size())) return "";
  const LinkedItem& it = items_[static_cast<std::size_t>(i)];
  return it.kind == Kind::kWord || it.kind == Kind::kSymbol ? it.word : "";
}

bool Interpreter::phrase_at(long i, std::initializer_list<std::string_view> words) const {
  long k = i;
  for (auto w : words) {
    if (word(k) != w) return false;
    ++k;
  }
  return true;
}

// Two columns of one table named back to back are a compound noun whose head is the last:
// "population density" is the density.
void Interpreter::merge_compounds() {
  // "customer accounts" when accounts are also called customers: one table, named twice.
  for (long i = 0; i + 1 < size(); ++i) {
    LinkedItem& a = at(i);
    LinkedItem& b = at(i + 1);
    if (a.kind == Kind::kTable && b.kind == Kind::kTable && !a.terms.empty() && !b.terms.empty() &&
        a.terms.front().table == b.terms.front().table) {
      a.kind = Kind::kWord;
      a.used = true;
    }
  }
  for (long i = 0; i + 1 < size(); ++i) {
    LinkedItem& a = at(i);
    LinkedItem& b = at(i + 1);
    if (a.kind != Kind::kColumn || b.kind != Kind::kColumn) continue;
    std::vector<Term> shared;
    for (const auto& t : b.terms) {
      for (const auto& u : a.terms) {
        if (u.table == t.table) {
          shared.push_back(t);
          break;
        }
      }
    }
    if (shared.empty()) continue;
    // "email address": the column named exactly (email), not one the head names in part
    // (supply_addr); otherwise the head ("population density" is the density).
    if (!a.terms.empty() && a.terms.front().score >= 1.0 && shared.front().score < 1.0) {
      b.kind = Kind::kWord;
      b.used = true;
      continue;
    }
    b.terms = shared;
    a.kind = Kind::kWord;
    a.used = true;
  }
}

void Interpreter::read_intent() {
  for (long i = 0; i < size(); ++i) {
    bool measure_of = superlative_of(word(i - 1)).has_value();  // "the highest number of citizens"
    if ((phrase_at(i, {"how", "many"}) || phrase_at(i, {"number", "of"}) || word(i) == "count") && !measure_of) {
      count_intent_ = true;
      count_at_ = i;
    }
    // "how big is texas": the dimension of the adjective is what is asked.
    if (word(i) == "how" && !Lexicon::dimension_of(word(i + 1)).empty()) {
      how_adjective_ = word(i + 1);
      at(i + 1).used = true;
    }
    if (phrase_at(i, {"how", "much"})) how_much_at_ = i;
    std::string w = word(i);
    if (w == "distinct" || w == "different" || w == "unique") distinct_ = true;
  }
}

std::optional<Aggregate> Interpreter::aggregate_word(long i) const {
  std::string w = word(i);
  if (w == "average" || w == "avg" || w == "mean") return Aggregate::kAvg;
  if (w == "total" || w == "sum" || w == "combined" || w == "overall") return Aggregate::kSum;
  if (w == "maximum" || w == "max") return Aggregate::kMax;
  if (w == "minimum" || w == "min") return Aggregate::kMin;
  return std::nullopt;
}

Result<Interpretation> interpret(const Schema& schema, const ValueIndex& values, LinkedQuestion question,
                                 Choices& choices) {
  Interpreter interpreter(schema, values, std::move(question), choices);
  auto plan = interpreter.interpret();
  if (!plan) return plan.error();
  return Interpretation{std::move(plan).value(), interpreter.confidence(), interpreter.doubts()};
}

}  // namespace chatdb::nl2sql
