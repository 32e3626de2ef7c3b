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

// "signups per year", "revenue by month", "monthly sales": the date's year or month.
std::optional<DatePart> Interpreter::time_group_at(long i) const {
  if (i < 0 || i >= size()) return std::nullopt;
  std::string w = items_[static_cast<std::size_t>(i)].word;
  // "year" may name a column ("enroll_yr"); a year column of the subject is grouped by as it is,
  // unless the question names a date whose year it means ("members joined each year" is the
  // year of joined_on, not birth_year).
  if (items_[static_cast<std::size_t>(i)].kind == Kind::kColumn) {
    bool date_named = false;
    for (long k = std::max(0L, i - 5); k < i; ++k) {
      const LinkedItem& it = items_[static_cast<std::size_t>(k)];
      if (it.kind != Kind::kColumn || it.terms.empty()) continue;
      const Table* t = schema_.table(it.terms.front().table);
      const Column* c = t ? t->column(it.terms.front().column) : nullptr;
      date_named |= c != nullptr && c->temporal();
    }
    for (const auto& t : items_[static_cast<std::size_t>(i)].terms) {
      if (t.table == subject_->name && (t.score >= 1.0 || !date_named)) return std::nullopt;
    }
  } else if (items_[static_cast<std::size_t>(i)].kind != Kind::kWord) {
    return std::nullopt;
  }
  if ((w == "year" || w == "month") && word(i - 1) == "per" && names_a_rate(w)) return std::nullopt;
  if ((w == "year" || w == "month") && (is_grouping(word(i - 1)) || word(i - 1) == "every")) {
    return w == "year" ? DatePart::kYear : DatePart::kMonth;
  }
  // "monthly sales", not "billed monthly" (a value) or "per month" in a rate.
  Kind next = i + 1 < size() ? items_[static_cast<std::size_t>(i + 1)].kind : Kind::kSymbol;
  bool measured_next = next == Kind::kTable || next == Kind::kColumn || !Lexicon::dimension_of(word(i + 1)).empty();
  if ((w == "yearly" || w == "annual") && measured_next) return DatePart::kYear;
  if (w == "monthly" && measured_next) return DatePart::kMonth;
  return std::nullopt;
}

Status Interpreter::read_time_grouping() {
  for (long i = 0; i < size(); ++i) {
    auto part = time_group_at(i);
    if (!part || at(i).used) continue;
    auto column = date_column(i);
    if (!column && at(i).kind == Kind::kColumn) continue;  // no date: the named year column groups
    if (!column) {
      return Error::invalid("the question groups by " + std::string(*part == DatePart::kYear ? "year" : "month") +
                            " but " + subject_->name + " has no date column");
    }
    column->part = *part;
    plan_.group_by.push_back(*column);
    group_outputs_.push_back(*column);
    at(i).used = true;
    if (is_grouping(word(i - 1)) || word(i - 1) == "every") at(i - 1).used = true;
    time_grouped_ = true;
  }
  return Status::success();
}

Status Interpreter::read_grouping() {
  if (auto s = read_time_grouping(); !s.ok()) return s;
  for (long i = 0; i < size(); ++i) {
    LinkedItem& it = at(i);
    if (it.used || (it.kind != Kind::kTable && it.kind != Kind::kColumn)) continue;
    // "by type of issue", "per kind of cover": the sort words say only that a kind follows.
    long g = i - 1;
    if (word(g) == "of" && (word(g - 1) == "type" || word(g - 1) == "kind" || word(g - 1) == "sort")) g -= 2;
    std::string w1 = word(g);
    bool grouped = groups_at(g);
    if (!grouped) continue;
    for (long k = g + 1; k < i; ++k) at(k).used = true;
    if (w1 == "per" && names_a_rate(it.word)) {
      it.used = at(i - 1).used = true;
      continue;
    }
    if (w1 == "by") {
      // "by price" after a superlative orders rather than groups.
      const Column* c = nullptr;
      if (it.kind == Kind::kColumn) {
        const Table* t = schema_.table(it.terms.front().table);
        c = t ? t->column(it.terms.front().column) : nullptr;
      }
      if (c != nullptr && c->numeric() && (limit_ || has_superlative())) continue;
    }
    if (it.kind == Kind::kTable) {
      const Table* g = schema_.table(it.terms.front().table);
      if (g == nullptr || !distance(subject_->name, g->name) || g == subject_) continue;
      auto names = schema_.name_columns(*g);
      const Column* key = g->primary_key();
      if (key != nullptr) plan_.group_by.push_back({g->name, key->name});
      for (const Column* n : names) {
        plan_.group_by.push_back({g->name, n->name});
        group_outputs_.push_back({g->name, n->name});
      }
      if (names.empty() && key != nullptr) group_outputs_.push_back({g->name, key->name});
      if (names.empty() && key == nullptr) continue;
    } else {
      auto c = own_column(it);
      if (!c) continue;
      plan_.group_by.push_back(*c);
      group_outputs_.push_back(*c);
    }
    it.used = true;
  }
  return Status::success();
}

// "discontinued products", "customers who are not active": a yes/no column named.
void Interpreter::read_flags() {
  for (long i = 0; i < size(); ++i) {
    LinkedItem& it = at(i);
    if (it.kind != Kind::kColumn || it.used || it.verb) continue;
    bool names_flag = std::any_of(it.terms.begin(), it.terms.end(), [&](const Term& t) {
      const Table* table = schema_.table(t.table);
      const Column* c = table ? table->column(t.column) : nullptr;
      return c != nullptr && c->flag;
    });
    if (!names_flag) continue;
    auto column = own_column(it);
    if (!column || !schema_.table(column->table)->column(column->column)->flag) continue;
    bool negated = (negated_before(i) || word(i - 1) == "never") != it.opposite;
    Condition cond;
    cond.column = *column;
    cond.values = {{Literal::Kind::kBoolean, negated ? "false" : "true"}};
    plan_.conditions.push_back(cond);
    it.used = true;
  }
}

bool Interpreter::has_superlative() const {
  for (long i = 0; i < size(); ++i) {
    if (superlative_of(word(i))) return true;
  }
  return false;
}

Status Interpreter::read_superlatives() {
  for (long i = 0; i < size(); ++i) {
    auto sup = superlative_of(word(i));
    if (!sup) continue;
    std::string w = word(i);
    // "first name", "last name"; but "our first customer" is the earliest.
    if ((w == "first" || w == "last") && !limit_ && !(i + 1 < size() && at(i + 1).kind == Kind::kTable)) continue;
    if (w == "max" || w == "maximum" || w == "min" || w == "minimum") continue;  // aggregates, not rankings
    if ((w == "least" || w == "most") && word(i - 1) == "at") continue;        // "at least 3": a comparison
    Superlative s = *sup;
    // "most expensive", "least populous": the adjective after most/least gives the dimension.
    long measure_from = i + 1;
    if (s.adjective.empty() && (w == "most" || w == "least") && i + 1 < size() && at(i + 1).kind == Kind::kWord &&
        !Lexicon::dimension_of(word(i + 1)).empty()) {
      s.adjective = word(i + 1);
      at(i + 1).used = true;
      measure_from = i + 2;
    }
    // The measure: a column right after ("highest price"), after "by" ("top 5 by revenue"),
    // a table ("most orders": a count), or the adjective's dimension.
    std::optional<ColumnRef> column;
    const Table* counted = nullptr;
    for (long k = measure_from; k < size() && k <= measure_from + 2; ++k) {
      LinkedItem& it = at(k);
      if (it.kind == Kind::kColumn && !it.used) {
        column = numeric_term(it);
        if (!column) return Error::invalid("could not rank by '" + it.raw + "', which is not a number or date");
        it.used = true;
        // "the department with the most majors" (students.major_dept): rows that refer, counted.
        const Table* holder = schema_.table(column->table);
        if (holder != subject_ && is_key_column(*holder, *holder->column(column->column))) {
          counted = holder;
          column.reset();
        }
        break;
      }
      if (it.kind == Kind::kTable && !it.used && !s.adjective.empty() && schema_.table(it.terms.front().table) != subject_) {
        // "the state with the largest city": a superlative of another table inside the question.
        return Error::invalid("questions that nest a superlative ('" + w + " " + it.raw + "') are not supported yet");
      }
      if (it.kind == Kind::kTable && !it.used && s.adjective.empty()) {
        const Table* t = schema_.table(it.terms.front().table);
        if (t != nullptr && t != subject_ && distance(subject_->name, t->name)) {
          counted = t;
          it.used = true;
        } else if (t == subject_ && subject_at_ < 0) {
          // "which country has the most customers": the subject's rows counted per column.
          for (long k = 0; k < i && !counted; ++k) {
            if (at(k).kind != Kind::kColumn || at(k).used) continue;
            auto g = own_column(at(k));
            if (!g || g->table != subject_->name) continue;
            plan_.group_by = {*g};
            group_outputs_ = {*g};
            counted = subject_;
            at(k).used = it.used = true;
          }
        }
        break;
      }
      if (it.kind != Kind::kWord) break;
    }
    if (!column && !counted) {
      for (long k = i + 1; k < size(); ++k) {
        if (word(k) != "by") continue;
        // "top 5 customers by total spent": an aggregate word may come first, then a column or
        // a word of a measure.
        long m = aggregate_word(k + 1) ? k + 2 : k + 1;
        if (m < size() && at(m).kind == Kind::kColumn) {
          column = numeric_term(at(m));
        } else if (m < size() && at(m).kind == Kind::kWord && !Lexicon::dimension_of(word(m)).empty()) {
          column = column_for_dimension(Lexicon::dimension_of(word(m)), false);
        }
        if (column) {
          for (long j = k; j <= m; ++j) at(j).used = true;
        }
        break;
      }
    }
    // A superlative right after another table's name modifies that table ("the city with the
    // largest population" when the question is about states).
    for (long k = i - 1; k >= 0; --k) {
      if (at(k).kind != Kind::kTable || at(k).verb) continue;
      if (schema_.table(at(k).terms.front().table) != subject_ && k > subject_at_ && subject_at_ >= 0) {
        return Error::invalid("questions that nest a superlative ('" + at(k).raw + " ... " + w + "') are not supported yet");
      }
      break;
    }
    if (!column && !counted && !s.adjective.empty()) {
      bool temporal = s.adjective == "old" || s.adjective == "new" || s.adjective == "recent" ||
                      s.adjective == "early" || s.adjective == "late";
      column = column_for_dimension(Lexicon::dimension_of(s.adjective), temporal);
      if (column && column->table != subject_->name) {
        doubt(0.6, "'" + w + "' read as " + column->table + "." + column->column + ", a column of another table");
      }
      if (column && temporal) {
        const Column* c = schema_.table(column->table)->column(column->column);
        // "Most" of an adjective: the newest has the latest date, the oldest the greatest age.
        bool newish = s.adjective == "new" || s.adjective == "recent" || s.adjective == "late";
        bool by_date = c->temporal() || lower(c->name).find("year") != std::string::npos;
        s.descending = by_date == newish ? s.descending : !s.descending;
      }
    }
    if (!column && !counted) {
      // "the most" after a verb of spending or selling: the dimension of that verb.
      for (long k = i - 1; k >= 0 && k >= i - 3 && !column; --k) {
        if (at(k).kind != Kind::kWord) break;
        const auto& concepts = Lexicon::dimension_of(word(k));
        if (!concepts.empty()) column = column_for_dimension(concepts, false);
        if (column) at(k).used = true;
      }
      if (column) doubt(0.9, "'" + w + "' read as the largest " + column->column);
    }
    if (!column && !counted) {
      if (w == "top" || w == "first" || w == "last" || w == "bottom") continue;
      return Error::invalid("could not tell what '" + w + "' is measured by; name a column such as " +
                            suggest_numeric());
    }
    at(i).used = true;
    for (long k = i + 1; k < size(); ++k) {
      if (!at(k).used && superlative_of(word(k)) && word(k) != "first" && word(k) != "last" && word(k) != "top") {
        return Error::invalid("questions with two superlatives ('" + w + "', '" + word(k) + "') are not supported yet");
      }
    }
    superlative_ = s;
    // "what is the highest fee": the measure right after the superlative, asked with "what".
    // "what state has the largest population" asks for the state: the entity comes first.
    superlative_value_ = column && (word(0) == "what" || word(0) == "whats" || word(0) == "what's") &&
                         i + 1 < size() && at(i + 1).kind == Kind::kColumn && limit_ == std::nullopt &&
                         subject_at_ > i;
    if (counted) {
      order_count_of_ = counted;
    } else {
      order_column_ = column;
    }
    return Status::success();
  }
  return Status::success();
}

std::string Interpreter::suggest_numeric() const {
  std::vector<std::string> out;
  for (const auto& c : subject_->columns) {
    if ((c.numeric() || c.temporal()) && !c.primary_key && !is_key_column(*subject_, c)) out.push_back(c.name);
  }
  return out.empty() ? "a numeric column" : join(out, ", ");
}

}  // namespace chatdb::nl2sql
