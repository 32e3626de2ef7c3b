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

Status Interpreter::read_values() {
  // Consecutive values of one column joined by "or", "and" or commas become one IN list.
  std::map<std::pair<std::string, std::string>, std::size_t> by_column;
  long last_value_at = -1;
  std::string last_value_column;
  for (long i = 0; i < size(); ++i) {
    LinkedItem& it = at(i);
    if (it.kind != Kind::kValue || it.used) continue;
    if (read_text_search(i)) continue;
    // "states in the usa" when every row says usa: a filter that keeps everything is no filter.
    if (!it.values.empty() && std::all_of(it.values.begin(), it.values.end(), [&](const ValueMatch& v) {
          const Table* t = schema_.table(v.table);
          return t != nullptr && t->row_count > 0 && v.rows == t->row_count;
        })) {
      it.used = true;
      continue;
    }
    // "seattle washington": a second value right after the first qualifies it, so it belongs
    // to another column than the first.
    std::set<std::string> exclude;
    bool adjacent = last_value_at >= 0 && last_value_at == i - 1;
    if (adjacent) exclude.insert(last_value_column);
    // "Quinn Xu": a family name right after a given name is the same row's.
    partner_table_ = adjacent ? last_value_column.substr(0, last_value_column.find('.')) : "";
    auto choice = choose_value_column(i, exclude);
    if (!choice) {
      if (it.quoted) return Error::invalid("'" + it.raw + "' is not a value stored in any column; " + suggest_value(it.raw));
      continue;
    }
    it.used = true;
    // "chinese food", "cancelled orders" style: the column named right after its value.
    if (i + 1 < size() && at(i + 1).kind == Kind::kColumn && !at(i + 1).used) {
      for (const auto& t : at(i + 1).terms) {
        if (t.table == choice->first.table && t.column == choice->first.column) at(i + 1).used = true;
      }
    }
    bool negated = negated_before(i);
    auto key = std::make_pair(choice->first.table + "." + choice->first.column, std::string(negated ? "!" : ""));
    Literal lit{Literal::Kind::kText, choice->second};
    // "germany or france", "books, toys and games": values listed together.
    bool listed = last_value_at >= 0 && last_value_at < i - 1;
    for (long k = last_value_at + 1; k < i && listed; ++k) {
      listed = word(k) == "or" || word(k) == "and" || word(k) == "nor" || word(k) == ",";
    }
    last_value_at = i;
    last_value_column = choice->first.table + "." + choice->first.column;
    if (by_column.count(key) && !listed) doubt(0.5, "two different values are asked of " + choice->first.column);
    if (auto found = by_column.find(key); found != by_column.end() && listed) {
      Condition& c = plan_.conditions[found->second];
      c.kind = Condition::Kind::kIn;
      c.values.push_back(lit);
      continue;
    }
    Condition c;
    c.column = choice->first;
    c.values = {lit};
    c.op = negated ? "<>" : "=";
    c.negated = negated;
    by_column[key] = plan_.conditions.size();
    plan_.conditions.push_back(c);
  }
  return Status::success();
}

// "products containing 'knife'": a quoted text that is not a whole stored value is searched
// for inside the column named before it, else inside the subject's name.
bool Interpreter::read_text_search(long i) {
  LinkedItem& it = at(i);
  std::string w = word(i - 1);
  if (!it.quoted || !it.values.empty() ||
      (w != "containing" && w != "contains" && w != "contain" && w != "like" && w != "matching" && w != "including")) {
    return false;
  }
  std::optional<ColumnRef> column;
  for (long k = i - 2; k >= 0 && k >= i - 4 && !column; --k) {
    if (at(k).kind == Kind::kColumn) {
      column = own_column(at(k));
      if (column) at(k).used = true;
    }
  }
  if (!column) {
    auto names = schema_.name_columns(*subject_);
    if (names.empty()) return false;
    column = ColumnRef{subject_->name, names.front()->name};
  }
  Condition c;
  c.kind = Condition::Kind::kLike;
  c.column = *column;
  c.values = {{Literal::Kind::kText, it.raw}};
  c.negated = negated_before(i - 1);
  plan_.conditions.push_back(c);
  it.used = at(i - 1).used = true;
  return true;
}

std::string Interpreter::suggest_value(const std::string& text) const {
  auto near = values_.closest(text, 3);
  if (near.empty()) return "check the spelling";
  std::vector<std::string> parts;
  for (const auto& v : near) parts.push_back("'" + v.value + "' (" + v.table + "." + v.column + ")");
  return "closest: " + join(parts, ", ");
}

bool Interpreter::negated_before(long i) {
  for (long k = i - 1; k >= 0 && k >= i - 3; --k) {
    const LinkedItem& it = items_[static_cast<std::size_t>(k)];
    if (it.kind != Kind::kWord) return false;
    if (is_negation(it.word) || (it.word == "other" && word(k + 1) == "than")) {
      items_[static_cast<std::size_t>(k)].used = true;
      return true;
    }
  }
  return false;
}

// Which column a value filters: the column named right before it, else the subject's own
// column, else the column nearest by foreign keys, preferring columns that name rows.
std::optional<std::pair<ColumnRef, std::string>> Interpreter::choose_value_column(long i, const std::set<std::string>& exclude) {
  LinkedItem& it = at(i);
  // "whose country is 'x'", "named 'x'", "with status shipped"; but in "the capital of
  // washington" the value names the row that has the column, not the column's value.
  for (long k = i - 1; k >= 0 && k >= i - 3; --k) {
    LinkedItem& prev = at(k);
    if (prev.kind == Kind::kWord && (prev.word == "of" || prev.word == "for" || prev.word == "in")) break;
    if (prev.kind == Kind::kColumn) {
      for (const auto& t : prev.terms) {
        for (const auto& v : it.values) {
          if (v.table == t.table && v.column == t.column) {
            prev.used = true;
            return std::pair{ColumnRef{v.table, v.column}, v.value};
          }
        }
      }
      if (it.quoted) {
        if (auto c = own_column(prev)) {
          prev.used = true;
          return std::pair{*c, it.raw};
        }
      }
      break;
    }
    if (prev.kind != Kind::kWord) break;
  }
  if (it.quoted && it.values.empty()) {
    // "named 'x'", "called 'x'": the subject's name column.
    if (word(i - 1) == "named" || word(i - 1) == "called") {
      auto names = schema_.name_columns(*subject_);
      if (!names.empty()) return std::pair{ColumnRef{subject_->name, names.front()->name}, it.raw};
    }
    return std::nullopt;
  }
  if (it.values.empty()) return std::nullopt;
  bool after_preposition = is_location_preposition(word(i - 1)) || is_location_preposition(word(i - 2));
  struct Scored {
    const ValueMatch* match;
    double score;
  };
  std::vector<Scored> scored;
  for (const auto& v : it.values) {
    auto d = distance(subject_->name, v.table);
    if (!d || exclude.count(v.table + "." + v.column)) continue;
    double score = 10.0 - 2.0 * static_cast<double>(*d);
    bool names = is_name_column(v.table, v.column);
    if (names) score += 1;
    // "rivers in missouri": after "in" a value of the subject's own name column is unlikely.
    if (v.table == subject_->name && names && after_preposition) score -= 2.5;
    // Tables the question names are more likely homes of its values.
    if (mentioned(v.table)) score += 0.5;
    if (!partner_table_.empty() && v.table == partner_table_) score += 4;
    score += 0.05 * std::log10(static_cast<double>(v.rows) + 1);  // the more usual home of the value
    if (referenced_by_other(v, it.values)) score += 0.5;
    scored.push_back({&v, score});
  }
  if (scored.empty()) {
    doubt(0.6, "'" + it.raw + "' is stored only in tables unrelated to " + subject_->name);
    return std::nullopt;
  }
  std::stable_sort(scored.begin(), scored.end(), [](const Scored& a, const Scored& b) { return a.score > b.score; });
  if (scored.size() > 1 && scored[1].score >= scored[0].score - 0.3 &&
      !(scored[1].match->table == scored[0].match->table && scored[1].match->column == scored[0].match->column)) {
    // Equally likely homes: a key column and the column it refers to hold the same values.
    bool same_values_by_key = false;
    for (const auto& fk : schema_.foreign_keys()) {
      auto is = [&](const ValueMatch* m, const std::string& t, const std::string& c) { return m->table == t && m->column == c; };
      same_values_by_key |= (is(scored[0].match, fk.table, fk.column) && is(scored[1].match, fk.ref_table, fk.ref_column)) ||
                            (is(scored[1].match, fk.table, fk.column) && is(scored[0].match, fk.ref_table, fk.ref_column));
    }
    if (!same_values_by_key) {
      doubt(0.85, "'" + it.raw + "' is stored in both " + scored[0].match->table + "." + scored[0].match->column +
                      " and " + scored[1].match->table + "." + scored[1].match->column);
      const ValueMatch* picked = choose_value_home(it, {scored[0].match, scored[1].match});
      return std::pair{ColumnRef{picked->table, picked->column}, picked->value};
    }
  }
  // The same value in a column of a neighbouring table that no key ties to the chosen one:
  // either could be meant ("restaurants in palo alto": the restaurant's city or its
  // location's city).
  const ValueMatch* chosen = scored[0].match;
  for (const auto& other : scored) {
    const ValueMatch* m = other.match;
    if (m == chosen || m->table == chosen->table) continue;
    auto d = distance(subject_->name, m->table);
    if (!d || *d > 1 || key_linked(*chosen, *m) || is_name_column(chosen->table, chosen->column)) continue;
    doubt(0.6, "'" + it.raw + "' is stored in both " + chosen->table + "." + chosen->column + " and " + m->table + "." + m->column);
    chosen = choose_value_home(it, {chosen, m});
    break;
  }
  return std::pair{ColumnRef{chosen->table, chosen->column}, chosen->value};
}

const ValueMatch* Interpreter::choose_value_home(const LinkedItem& it, const std::vector<const ValueMatch*>& homes) {
  std::vector<std::string> options;
  for (const auto* m : homes) options.push_back(m->table + "." + m->column);
  return homes[choices_.choose("'" + it.raw + "' is stored in several columns: which is meant?", options)];
}

bool Interpreter::key_linked(const ValueMatch& a, const ValueMatch& b) const {
  for (const auto& fk : schema_.foreign_keys()) {
    bool ab = fk.table == a.table && fk.column == a.column && fk.ref_table == b.table && fk.ref_column == b.column;
    bool ba = fk.table == b.table && fk.column == b.column && fk.ref_table == a.table && fk.ref_column == a.column;
    if (ab || ba) return true;
  }
  // Two columns that refer to the same key hold the same kind of value.
  for (const auto& f : schema_.foreign_keys()) {
    for (const auto& g : schema_.foreign_keys()) {
      if (f.table == a.table && f.column == a.column && g.table == b.table && g.column == b.column &&
          f.ref_table == g.ref_table && f.ref_column == g.ref_column) {
        return true;
      }
    }
  }
  return false;
}

// Whether another column holding the value refers to this one by a key: the value's home.
bool Interpreter::referenced_by_other(const ValueMatch& v, const std::vector<ValueMatch>& all) const {
  for (const auto& fk : schema_.foreign_keys()) {
    if (fk.ref_table != v.table || fk.ref_column != v.column) continue;
    for (const auto& o : all) {
      if (o.table == fk.table && o.column == fk.column) return true;
    }
  }
  return false;
}

bool Interpreter::mentioned(const std::string& table) const {
  for (const auto& it : items_) {
    if ((it.kind == Kind::kTable || it.kind == Kind::kColumn) && !it.terms.empty() && it.terms.front().table == table) {
      return true;
    }
  }
  return false;
}

Status Interpreter::read_dates() {
  for (long i = 0; i < size(); ++i) {
    LinkedItem& it = at(i);
    if (it.kind != Kind::kDate || it.used) continue;
    auto column = date_column(i);
    if (!column && year_column_compare(i)) continue;
    if (!column) {
      return Error::invalid("the question names a date (" + it.date.words + ") but " + subject_->name +
                            " has no date column to compare it with");
    }
    it.used = true;
    std::string w = word(i - 1);
    // "since the start of 2023", "before the end of May": the preposition before the phrase.
    if (w == "of" && i >= 3) {
      std::string edge = at(i - 2).word;
      if (edge == "start" || edge == "beginning" || edge == "end") {
        at(i - 2).used = at(i - 1).used = true;
        w = word(i - 3) == "the" ? word(i - 4) : word(i - 3);
      }
    }
    Condition c;
    c.column = *column;
    Literal from{Literal::Kind::kDate, it.date.from};
    Literal to{Literal::Kind::kDate, it.date.to};
    std::string after = word(i + 1) == "or" ? word(i + 2) : "";
    bool or_later = after == "later" || after == "after" || after == "newer" || after == "since";
    bool or_earlier = after == "earlier" || after == "before" || after == "older" || after == "sooner";
    if (or_later || or_earlier) at(i + 1).used = at(i + 2).used = true;
    if (or_later) {
      c.op = ">=";
      c.values = {from};
    } else if (or_earlier) {
      c.op = "<";
      c.values = {to};
    } else if (w == "before" || w == "until" || w == "till" || (w == "to" && word(i - 2) == "up") || w == "prior") {
      c.op = "<";
      c.values = {from};
    } else if (w == "after") {
      c.op = ">=";
      c.values = {to};
    } else if (w == "since" || w == "from") {
      c.op = ">=";
      c.values = {from};
      // "from March 2024 to June 2024"
      if ((word(i + 1) == "to" || word(i + 1) == "until" || word(i + 1) == "and") && i + 2 < size() &&
          at(i + 2).kind == Kind::kDate) {
        c.kind = Condition::Kind::kBetween;
        c.values = {from, {Literal::Kind::kDate, at(i + 2).date.to}};
        at(i + 2).used = true;
      }
    } else if (w == "between" && word(i + 1) == "and" && i + 2 < size() && at(i + 2).kind == Kind::kDate) {
      c.kind = Condition::Kind::kBetween;
      c.values = {from, {Literal::Kind::kDate, at(i + 2).date.to}};
      at(i + 2).used = true;
    } else {
      c.kind = Condition::Kind::kBetween;
      c.values = {from, to};
      c.negated = negated_before(i);
    }
    plan_.conditions.push_back(c);
  }
  return Status::success();
}

// "authors born before 1960": a year kept as a number in a "..._year" column.
bool Interpreter::year_column_compare(long i) {
  LinkedItem& it = at(i);
  if (it.date.words.size() != 4 || !std::all_of(it.date.words.begin(), it.date.words.end(), ::isdigit)) return false;
  std::optional<ColumnRef> column;
  for (long k = i - 1; k >= 0 && k >= i - 3 && !column; --k) {
    if (at(k).kind == Kind::kColumn) column = own_column(at(k));
  }
  if (!column) {
    for (const auto& c : subject_->columns) {
      bool year = false;
      for (const auto& w : split_identifier(c.name)) year |= w == "year";
      if (year && c.numeric()) column = ColumnRef{subject_->name, c.name};
    }
  }
  if (!column) return false;
  std::string w = word(i - 1);
  Condition c;
  c.column = *column;
  c.op = w == "before" || w == "until" ? "<" : w == "after" ? ">" : w == "since" || w == "from" ? ">=" : "=";
  c.values = {{Literal::Kind::kNumber, it.date.words}};
  plan_.conditions.push_back(c);
  it.used = true;
  for (long k = i - 1; k >= 0 && k >= i - 3; --k) {
    if (at(k).kind == Kind::kColumn && own_column(at(k)) == column) at(k).used = true;
  }
  return true;
}

// A named date column, else the one date column of the subject, else of a table the
// question names ("customers who ordered in 2024" -> the orders' date).
std::optional<ColumnRef> Interpreter::date_column(long i) {
  // A date column named just before, the subject's own first ("churned since the start of
  // 2023": churned_dt, not the start date of a related table; "the start of" names no column).
  std::optional<ColumnRef> named;
  long named_at = -1;
  for (long k = i - 1; k >= 0 && k >= i - 5; --k) {
    LinkedItem& prev = at(k);
    if (prev.kind != Kind::kColumn || (word(k + 1) == "of" && k + 2 == i)) continue;
    for (const auto& t : prev.terms) {
      const Table* table = schema_.table(t.table);
      const Column* c = table ? table->column(t.column) : nullptr;
      if (!c || !c->temporal() || !distance(subject_->name, t.table)) continue;
      if (!named || (t.table == subject_->name && named->table != subject_->name)) {
        named = ColumnRef{t.table, t.column};
        named_at = k;
      }
    }
  }
  if (i >= 2 && at(i - 2).kind == Kind::kColumn && word(i - 1) == "of") at(i - 2).used = true;  // "the start of"
  if (named) {
    at(named_at).used = true;
    return named;
  }
  auto one_date = [&](const Table& t) -> std::optional<ColumnRef> {
    std::vector<const Column*> dates;
    for (const auto& c : t.columns) {
      if (c.temporal()) dates.push_back(&c);
    }
    if (dates.empty()) return std::nullopt;
    if (dates.size() == 1) return ColumnRef{t.name, dates.front()->name};
    // The date most rows have first: rides are dated by their start, accounts by their opening.
    std::stable_sort(dates.begin(), dates.end(), [](const Column* a, const Column* b) { return a->filled > b->filled + 0.05; });
    doubt(0.9, t.name + " has several date columns; using " + dates.front()->name);
    std::vector<std::string> options;
    for (const Column* c : dates) options.push_back(t.name + "." + c->name);
    return ColumnRef{t.name, dates[choices_.choose("which date of " + t.name + " is meant?", options)]->name};
  };
  // A related table the question names by a verb or noun ("ordered", "orders") comes first.
  for (long k = 0; k < size(); ++k) {
    const LinkedItem& it = at(k);
    if (it.kind != Kind::kTable || it.terms.empty()) continue;
    const Table* t = schema_.table(it.terms.front().table);
    if (t != nullptr && t != subject_ && distance(subject_->name, t->name)) {
      if (auto c = one_date(*t)) {
        if (std::find(plan_.extra_tables.begin(), plan_.extra_tables.end(), t->name) == plan_.extra_tables.end() &&
            !it.used) {
          at(k).used = true;
        }
        return c;
      }
    }
  }
  return one_date(*subject_);
}

void Interpreter::read_related_tables() {
  for (long i = 0; i < size(); ++i) {
    LinkedItem& it = at(i);
    if (it.kind != Kind::kTable || it.used) continue;
    const Table* t = schema_.table(it.terms.front().table);
    if (t == nullptr || t == subject_) {
      if (t == subject_ && !it.verb) doubt(0.6, "the question names " + subject_->name + " twice; nested questions are not supported");
      it.used = true;
      continue;
    }
    if (!distance(subject_->name, t->name)) {
      doubt(0.6, "no foreign key relates " + subject_->name + " to " + t->name);
      continue;
    }
    // "customers who ordered": only rows that have related rows.
    plan_.extra_tables.push_back(t->name);
    it.used = true;
  }
}

}  // namespace chatdb::nl2sql
