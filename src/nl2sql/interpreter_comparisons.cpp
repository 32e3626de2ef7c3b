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

// The comparator that ends right before item `end` (exclusive), if any.
std::optional<Comparator> Interpreter::comparator_ending(long end) const {
  static const std::vector<std::pair<std::vector<std::string>, std::string>> kPhrases = {
      {{"more", "than"}, ">"}, {{"greater", "than"}, ">"}, {{"larger", "than"}, ">"}, {{"bigger", "than"}, ">"},
      {{"higher", "than"}, ">"}, {{"longer", "than"}, ">"}, {{"older", "than"}, ">"}, {{"taller", "than"}, ">"},
      {{"heavier", "than"}, ">"}, {{"over"}, ">"}, {{"above"}, ">"}, {{"exceeding"}, ">"}, {{"exceeds"}, ">"},
      {{"exceed"}, ">"}, {{"at", "least"}, ">="}, {{"no", "less", "than"}, ">="}, {{"not", "less", "than"}, ">="},
      {{"minimum", "of"}, ">="}, {{"less", "than"}, "<"}, {{"fewer", "than"}, "<"}, {{"smaller", "than"}, "<"},
      {{"lower", "than"}, "<"}, {{"shorter", "than"}, "<"}, {{"younger", "than"}, "<"}, {{"cheaper", "than"}, "<"},
      {{"lighter", "than"}, "<"}, {{"under"}, "<"}, {{"below"}, "<"}, {{"at", "most"}, "<="},
      {{"no", "more", "than"}, "<="}, {{"not", "more", "than"}, "<="}, {{"maximum", "of"}, "<="},
      {{"up", "to"}, "<="}, {{"equal", "to"}, "="}, {{"equals"}, "="}, {{"exactly"}, "="}, {{">"}, ">"},
      {{">="}, ">="}, {{"<"}, "<"}, {{"<="}, "<="}, {{"="}, "="}, {{"!="}, "<>"}, {{"<>"}, "<>"},
      {{"more", "expensive", "than"}, ">"}, {{"less", "expensive", "than"}, "<"}};
  for (const auto& [words, op] : kPhrases) {
    long start = end - static_cast<long>(words.size());
    if (start < 0) continue;
    bool ok = true;
    for (std::size_t k = 0; k < words.size() && ok; ++k) ok = word(start + static_cast<long>(k)) == words[k];
    if (ok) return Comparator{op, words.size()};
  }
  return std::nullopt;
}

// "cheaper" -> "cheap", "larger" -> "large", "bigger" -> "big"; "" when not a comparative.
std::string Interpreter::comparative_base(const std::string& w) {
  if (w.size() < 5 || !w.ends_with("er")) return "";
  std::string base = w.substr(0, w.size() - 2);
  if (base.ends_with("i")) base.back() = 'y';                                      // heavier
  if (base.size() > 2 && base.back() == base[base.size() - 2]) base.pop_back();  // bigger
  if (!Lexicon::dimension_of(base).empty()) return base;
  if (!Lexicon::dimension_of(base + "e").empty()) return base + "e";             // larger
  return "";
}

// A numeric column of the subject or a table near it that a dimension word is about.
std::optional<ColumnRef> Interpreter::column_for_dimension(const std::vector<std::string>& concepts, bool temporal_ok) const {
  std::vector<const Table*> tables = {subject_};
  for (std::size_t d = 1; d <= 2; ++d) {
    for (const auto& t : schema_.tables()) {
      if (&t != subject_ && distance(subject_->name, t.name) == d) tables.push_back(&t);
    }
  }
  for (const Table* t : tables) {
    for (const auto& concept_word : concepts) {
      for (const auto& c : t->columns) {
        if (!(c.numeric() || (temporal_ok && c.temporal())) || c.flag || c.primary_key || is_key_column(*t, c)) continue;
        for (const auto& w : split_identifier(c.name)) {
          if (stem(w) == concept_word) return ColumnRef{t->name, c.name};
        }
      }
    }
  }
  return std::nullopt;
}

// The key by which table.column refers to another table's rows, if it is one.
const ForeignKey* Interpreter::reference_of(const std::string& table, const std::string& column) const {
  for (const auto& fk : schema_.foreign_keys()) {
    if (fk.table == table && fk.column == column && fk.ref_table != table) return &fk;
  }
  return nullptr;
}

// The column a number is compared with: a column named right after the number ("150000
// people") or before the comparator ("price over 20", "population of more than"), or a
// dimension verb ("costs less than 20").
std::optional<ColumnRef> Interpreter::compared_column(long comparator_start, long number_at, bool currency) {
  // "cheaper than 10", "heavier than 20": the comparative's own dimension.
  for (long k = comparator_start; k < number_at; ++k) {
    std::string base = comparative_base(word(k));
    const auto& concepts = Lexicon::dimension_of(base.empty() ? word(k) : base);
    if (concepts.empty()) continue;
    if (auto c = column_for_dimension(concepts, false)) return c;
  }
  if (number_at + 1 < size() && at(number_at + 1).kind == Kind::kColumn) {
    if (auto c = numeric_term(at(number_at + 1))) {
      at(number_at + 1).used = true;
      return c;
    }
  }
  for (long k = comparator_start - 1; k >= 0 && k >= comparator_start - 4; --k) {
    LinkedItem& it = at(k);
    if (it.kind == Kind::kColumn) {
      if (auto c = numeric_term(it)) {
        it.used = true;
        return c;
      }
      break;
    }
    if (it.kind != Kind::kWord) break;
    const auto& concepts = Lexicon::dimension_of(it.word);
    if (!concepts.empty()) {
      if (auto c = column_for_dimension(concepts, false)) {
        it.used = true;
        return c;
      }
    }
  }
  if (currency) {
    if (auto c = column_for_dimension({"price", "amount", "total", "cost", "revenue", "salary", "fee", "value"}, false)) {
      doubt(0.9, "a money amount is compared with " + c->column);
      return c;
    }
  }
  // "orders between 100 and 200": the subject's only measure.
  auto measures = measure_columns(*subject_);
  if (measures.size() == 1) {
    doubt(0.85, "the number is compared with " + measures.front()->name + ", the only measure of " + subject_->name);
    return ColumnRef{subject_->name, measures.front()->name};
  }
  return std::nullopt;
}

std::optional<ColumnRef> Interpreter::numeric_term(const LinkedItem& it) const {
  // Prefer the subject's own column, then one nearest to it.
  std::optional<ColumnRef> best;
  std::size_t best_d = 99;
  for (const auto& t : it.terms) {
    const Table* table = schema_.table(t.table);
    const Column* c = table ? table->column(t.column) : nullptr;
    if (c == nullptr || !(c->numeric() || c->temporal())) continue;
    auto d = distance(subject_->name, t.table);
    if (d && *d < best_d) {
      best_d = *d;
      best = ColumnRef{t.table, t.column};
    }
  }
  return best;
}

// "instructors who earn more than the average salary", "invoices larger than our average
// invoice": a column compared with its average over the subject's rows.
void Interpreter::read_average_comparisons() {
  for (long i = 0; i < size(); ++i) {
    std::string w = word(i);
    if (w != "average" && w != "mean") continue;
    long start = i;
    while (start > 0 && (word(start - 1) == "the" || word(start - 1) == "our" || word(start - 1) == "an" ||
                         word(start - 1) == "a" || word(start - 1) == "its" || word(start - 1) == "their")) {
      --start;
    }
    auto cmp = comparator_ending(start);
    if (!cmp || cmp->op == "=") continue;
    long cmp_start = start - static_cast<long>(cmp->words);
    std::optional<ColumnRef> column;
    long end = i + 1;
    // The column after "average" ("the average instructor salary"), else before the comparator
    // or the dimension of its adjective ("larger than", "earn more than").
    for (long k = i + 1; k < size() && k <= i + 3 && !column; ++k) {
      if (at(k).kind == Kind::kColumn) {
        column = numeric_term(at(k));
        if (column) at(k).used = true;
        end = k + 1;
      } else if (at(k).kind == Kind::kTable && schema_.table(at(k).terms.front().table) == subject_) {
        at(k).used = true;
        end = k + 1;
      } else if (at(k).kind != Kind::kWord) {
        break;
      }
    }
    if (!column) column = compared_column(cmp_start, i, false);
    if (!column || column->table != subject_->name) continue;
    // "earn more than": the verb of the measure is read with it.
    for (long k = cmp_start - 1; k >= 0 && k >= cmp_start - 2; --k) {
      if (at(k).kind == Kind::kWord && !Lexicon::dimension_of(word(k)).empty()) at(k).used = true;
    }
    Condition c;
    c.kind = Condition::Kind::kVersusAverage;
    c.column = *column;
    c.op = cmp->op;
    if (word(cmp_start - 1) == "not" && c.op.size() == 1) {
      c.op = c.op == ">" ? "<=" : ">=";
      at(cmp_start - 1).used = true;
    }
    plan_.conditions.push_back(c);
    for (long k = cmp_start; k < end; ++k) at(k).used = true;
  }
}

Status Interpreter::read_comparisons() {
  for (long i = 0; i < size(); ++i) {
    LinkedItem& num = at(i);
    if (num.kind != Kind::kNumber || num.used) continue;
    // between N and M
    if (word(i - 1) == "between" && word(i + 1) == "and" && i + 2 < size() && at(i + 2).kind == Kind::kNumber) {
      auto column = compared_column(i - 1, i + 2, num.raw.find_first_of("$\xC2\xE2") != std::string::npos);
      if (!column) return Error::invalid(unclear_number(num));
      Condition c;
      c.kind = Condition::Kind::kBetween;
      c.column = *column;
      c.values = {{Literal::Kind::kNumber, num.word}, {Literal::Kind::kNumber, at(i + 2).word}};
      c.negated = word(i - 2) == "not";
      if (c.negated) at(i - 2).used = true;
      plan_.conditions.push_back(c);
      num.used = at(i + 2).used = true;
      continue;
    }
    auto cmp = comparator_ending(i);
    std::string op;
    long cmp_start = i;
    if (cmp) {
      op = cmp->op;
      cmp_start = i - static_cast<long>(cmp->words);
      if (word(cmp_start - 1) == "not" && op.size() == 1 && op != "=") {
        op = op == ">" ? "<=" : ">=";
        at(cmp_start - 1).used = true;
      }
    } else if (word(i + 1) == "or" && (word(i + 2) == "more" || word(i + 2) == "greater" || word(i + 2) == "above")) {
      op = ">=";
      at(i + 1).used = at(i + 2).used = true;
    } else if (word(i + 1) == "or" && (word(i + 2) == "less" || word(i + 2) == "fewer" || word(i + 2) == "below")) {
      op = "<=";
      at(i + 1).used = at(i + 2).used = true;
    } else {
      continue;
    }
    // "3 or more orders": the table follows the comparison.
    long after = word(i + 1) == "or" ? i + 3 : i + 1;
    // "more than 3 orders": a count of related rows, per subject row.
    if (after < size() && at(after).kind == Kind::kTable) {
      const Table* child = schema_.table(at(after).terms.front().table);
      if (child != nullptr && child != subject_ && distance(subject_->name, child->name)) {
        at(after).used = true;
        num.used = true;
        having_child_ = child;
        HavingClause h;
        h.aggregate = Aggregate::kCount;
        const Column* key = child->primary_key();
        h.column = key ? std::optional<ColumnRef>(ColumnRef{child->name, key->name}) : std::nullopt;
        h.op = op;
        h.number = num.word;
        plan_.having = h;
        continue;
      }
    }
    bool currency = !num.raw.empty() && !std::isdigit(static_cast<unsigned char>(num.raw[0]));
    auto column = compared_column(cmp_start, i, currency);
    if (!column) return Error::invalid(unclear_number(num));
    Condition c;
    c.kind = Condition::Kind::kCompare;
    c.column = *column;
    c.op = op;
    c.values = {{Literal::Kind::kNumber, num.word}};
    plan_.conditions.push_back(c);
    num.used = true;
    for (long k = cmp_start; k < i; ++k) at(k).used = true;
  }
  return Status::success();
}

std::vector<const Column*> Interpreter::measure_columns(const Table& t) const {
  std::vector<const Column*> out;
  for (const auto& c : t.columns) {
    if (c.numeric() && !c.flag && !c.primary_key && !is_key_column(t, c)) out.push_back(&c);
  }
  return out;
}

std::string Interpreter::unclear_number(const LinkedItem& num) const {
  std::vector<std::string> numeric;
  for (const Column* c : measure_columns(*subject_)) numeric.push_back(c->name);
  return "could not tell which column " + num.raw + " is compared with; name one of " + subject_->name + "'s " +
         (numeric.empty() ? std::string("columns") : join(numeric, ", "));
}

void Interpreter::read_limit() {
  for (long i = 0; i < size(); ++i) {
    const LinkedItem& it = items_[static_cast<std::size_t>(i)];
    if (it.kind != Kind::kNumber || it.number < 1 || it.number > 1000 || std::floor(it.number) != it.number) continue;
    // "top 5", "first 10", "5 most expensive", "3 largest"
    bool before = word(i - 1) == "top" || word(i - 1) == "first" || word(i - 1) == "bottom" || word(i - 1) == "last";
    bool after = superlative_of(word(i + 1)).has_value() && word(i + 1) != "last" && word(i + 1) != "first";
    // "the 5 students with the best GPA"
    bool before_ranked = i + 1 < size() && at(i + 1).kind == Kind::kTable && has_superlative() &&
                         !comparator_before(i) && word(i + 2) != "or";
    if (before || after || before_ranked) {
      limit_ = static_cast<long long>(it.number);
      at(i).used = true;
      if (before) at(i - 1).used = true;
    }
  }
}

void Interpreter::read_absences() {
  for (long i = 0; i < size(); ++i) {
    LinkedItem& it = at(i);
    // "courses nobody ever enrolled in" (enrollments.enrolled_on), "instructors not teaching
    // any course" (courses.taught_by): a table, or a column of another table, after an absence.
    bool other_tables_column = it.kind == Kind::kColumn && !it.terms.empty() && it.terms.front().table != subject_->name;
    if ((it.kind == Kind::kTable || other_tables_column) && !it.used && role_of_table(i) == TableRole::kAbsent) {
      const Table* related = schema_.table(it.terms.front().table);
      if (related == nullptr || related == subject_ || !distance(subject_->name, related->name)) continue;
      Condition c;
      c.kind = Condition::Kind::kNotExists;
      c.related_table = related->name;
      // "products with no supplier": the subject's own key to it is empty.
      auto path = schema_.join_path(subject_->name, related->name);
      if (path && path->size() == 1 && path->front().fk.table == subject_->name) {
        c.kind = Condition::Kind::kIsNull;
        c.column = {subject_->name, path->front().fk.column};
      }
      plan_.conditions.push_back(c);
      it.used = true;
      mark_negations_before(i);
      continue;
    }
    if (it.kind != Kind::kColumn || it.used) continue;
    // "without an email", "with no phone", "missing email", "email is missing"
    bool absent_before = false;
    for (long k = i - 1; k >= 0 && k >= i - 3; --k) {
      std::string w = word(k);
      if (w == "without" || w == "no" || w == "missing" || w == "lacking") absent_before = true;
      if (at(k).kind != Kind::kWord) break;
    }
    // "loans that were not returned", "never shipped", "unpaid": the column of that event is empty.
    if (!absent_before && (word(i - 1) == "not" || word(i - 1) == "never" || it.opposite)) {
      if (auto column = own_column(it)) {
        const Column* col = schema_.table(column->table)->column(column->column);
        if (col->nullable && col->temporal()) absent_before = true;
      }
    }
    // "students who haven't declared a major": a negated verb, then a nullable column of the
    // subject that is not a yes/no flag.
    if (!absent_before && !it.opposite) {
      for (long k = i - 2; k >= 0 && k >= i - 3; --k) {
        if (word(k) != "not" && word(k) != "never") continue;
        bool verb_between = true;
        for (long j = k + 1; j < i; ++j) verb_between = verb_between && at(j).kind == Kind::kWord;
        auto column = verb_between ? own_column(it) : std::nullopt;
        const Column* col = column ? schema_.table(column->table)->column(column->column) : nullptr;
        if (col && col->nullable && !col->flag && column->table == subject_->name) {
          absent_before = true;
          for (long j = k; j < i; ++j) at(j).used = true;
        }
        break;
      }
    }
    std::string after = word(i + 1) == "is" || word(i + 1) == "are" ? word(i + 2) : word(i + 1);
    bool absent_after = after == "missing" || after == "unknown" || after == "empty" || after == "null" || after == "blank";
    if (!absent_before && !absent_after) continue;
    auto column = own_column(it);
    if (!column) continue;
    mark_negations_before(i);
    if (absent_after) at(word(i + 1) == "is" || word(i + 1) == "are" ? i + 2 : i + 1).used = true;
    Condition c;
    c.kind = Condition::Kind::kIsNull;
    c.column = *column;
    plan_.conditions.push_back(c);
    it.used = true;
  }
}

void Interpreter::mark_negations_before(long i) {
  for (long k = i - 1; k >= 0 && k >= i - 4; --k) {
    if (at(k).kind != Kind::kWord) break;
    if (is_negation(word(k)) || is_absence(word(k)) || word(k) == "missing" || word(k) == "lacking") at(k).used = true;
  }
}

// The candidate of a column item in the subject's table, else in the nearest table.
std::optional<ColumnRef> Interpreter::own_column(const LinkedItem& it) {
  std::vector<ColumnRef> best;
  std::size_t best_d = 99;
  double best_score = 0;
  for (const auto& t : it.terms) {
    auto d = distance(subject_->name, t.table);
    if (!d) continue;
    if (*d < best_d || (*d == best_d && t.score > best_score)) {
      best_d = *d;
      best_score = t.score;
      best = {ColumnRef{t.table, t.column}};
    } else if (*d == best_d && t.score == best_score) {
      best.push_back(ColumnRef{t.table, t.column});
    }
  }
  if (best.empty()) return std::nullopt;
  if (best.size() == 1) return best.front();
  // "elevation" when a table has both highest_elevation and lowest_elevation.
  doubt(0.6, "'" + it.raw + "' may name several columns of " + best.front().table);
  std::vector<std::string> options;
  for (const auto& c : best) options.push_back(c.table + "." + c.column);
  return best[choices_.choose("'" + it.raw + "' may name several columns: which is meant?", options)];
}

// "instructors not teaching any course": the courses are what must not exist, so they are not
// joined as well (a join and NOT EXISTS on the same rows answer nothing). A condition on those
// rows ("no smart meter") would belong inside the NOT EXISTS, which one plan cannot say.
void Interpreter::check_absences() {
  for (const auto& absent : plan_.conditions) {
    if (absent.kind != Condition::Kind::kNotExists) continue;
    std::erase(plan_.extra_tables, absent.related_table);
    auto on_absent = [&](const std::optional<ColumnRef>& c) { return c && c->table == absent.related_table; };
    bool qualified = std::any_of(plan_.conditions.begin(), plan_.conditions.end(), [&](const Condition& c) {
      return c.kind != Condition::Kind::kNotExists && c.column.table == absent.related_table;
    });
    qualified |= std::any_of(plan_.outputs.begin(), plan_.outputs.end(), [&](const Output& o) { return on_absent(o.column); });
    qualified |= std::any_of(plan_.group_by.begin(), plan_.group_by.end(),
                             [&](const ColumnRef& c) { return c.table == absent.related_table; });
    if (qualified) doubt(0.5, "a condition on the " + absent.related_table + " that must not exist is beyond one query");
  }
}

}  // namespace chatdb::nl2sql
