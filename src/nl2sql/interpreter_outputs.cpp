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

bool Interpreter::has_condition_on(const ColumnRef& c) const {
  return std::any_of(plan_.conditions.begin(), plan_.conditions.end(),
                     [&](const Condition& x) { return x.column.table == c.table && x.column.column == c.column; });
}

std::vector<ColumnRef> Interpreter::display_columns(const Table& t) const {
  std::vector<ColumnRef> out;
  for (const Column* c : schema_.name_columns(t)) out.push_back({t.name, c->name});
  return out;
}

Status Interpreter::build_outputs() {
  // Columns named and not used by a condition are what is asked for ("the price of ...").
  std::vector<ColumnRef> attributes;
  std::vector<Aggregate> attribute_aggregates;
  for (long i = 0; i < size(); ++i) {
    LinkedItem& it = at(i);
    if (it.kind != Kind::kColumn || it.used) continue;
    // A past participle tells an event or a relation, not what to show: "accounts that have
    // churned" (churned_dt is set), "features included in a plan" (plans.seats_included is
    // not asked for).
    std::string first_word = it.word.substr(0, it.word.find(' '));  // "referred by"
    if (!it.verb && first_word.size() > 4 && first_word.ends_with("ed")) {
      auto c = own_column(it);
      const Column* col = c ? schema_.table(c->table)->column(c->column) : nullptr;
      if (col && col->temporal()) {
        bool dated = std::any_of(items_.begin(), items_.end(), [](const LinkedItem& x) { return x.kind == Kind::kDate; });
        if (!dated && col->nullable && !has_condition_on(*c)) {
          Condition happened;
          happened.kind = Condition::Kind::kIsNull;
          happened.column = *c;
          happened.negated = true;
          plan_.conditions.push_back(happened);
        }
        it.used = true;
        continue;
      }
      if (c && c->table != subject_->name) {
        doubt(0.9, "'" + it.raw + "' read as how " + subject_->name + " relate to " + c->table);
        it.used = true;
        continue;
      }
      // "patients referred by X": the subject's own reference is the way to X.
      if (c && is_key_column(*subject_, *subject_->column(c->column))) {
        plan_.via.push_back(*c);
        it.used = true;
        continue;
      }
    }
    // A verb that names a column ("passes through") filters; it never names what is asked.
    // One that names a reference of the subject ("what courses does X teach": taught_by)
    // is the way to the rows it refers to.
    if (it.verb) {
      bool via = false;
      for (const auto& term : it.terms) {
        if (term.table != subject_->name || reference_of(term.table, term.column) == nullptr) continue;
        plan_.via.push_back({term.table, term.column});
        via = true;
        break;
      }
      if (!via) doubt(0.6, "could not tell what '" + it.raw + "' applies to");
      it.used = true;
      continue;
    }
    auto c = own_column(it);
    if (!c) {
      doubt(0.6, "'" + it.raw + "' is a column of a table unrelated to " + subject_->name);
      continue;
    }
    // "average price", "the sum of the total amount"
    Aggregate agg = Aggregate::kNone;
    for (long k = i - 1; k >= 0 && k >= i - 3; --k) {
      if (auto a = aggregate_word(k)) {
        agg = *a;
        at(k).used = true;
        break;
      }
      // "the average invoice amount": the column's table named before it.
      bool own_table = at(k).kind == Kind::kTable && !at(k).terms.empty() && at(k).terms.front().table == c->table;
      if (!own_table && (at(k).kind != Kind::kWord || (word(k) != "of" && word(k) != "the" && word(k) != "all"))) break;
    }
    if (how_much_at_ >= 0 && how_much_at_ < i) agg = Aggregate::kSum;
    const Column* col = schema_.table(c->table)->column(c->column);
    // "the average grade": of the word's columns, the one that is a number.
    if ((agg == Aggregate::kSum || agg == Aggregate::kAvg) && !col->numeric()) {
      if (auto n = numeric_term(it); n && !schema_.table(n->table)->column(n->column)->temporal()) {
        c = n;
        col = schema_.table(c->table)->column(c->column);
      }
    }
    if ((agg == Aggregate::kSum || agg == Aggregate::kAvg) && !col->numeric()) {
      doubt(0.4, "'" + it.raw + "' (" + c->column + ") is not a number to add up or average");
    }
    it.used = true;
    if (std::find(attributes.begin(), attributes.end(), *c) != attributes.end()) continue;
    if (attributes.empty()) first_attribute_at_ = i;
    attributes.push_back(*c);
    attribute_aggregates.push_back(agg);
  }
  if (!attributes.empty() && !how_adjective_.empty()) {
    bool numeric = false;
    for (const auto& a : attributes) numeric |= schema_.table(a.table)->column(a.column)->numeric();
    if (!numeric) return Error::invalid("could not tell which number 'how " + how_adjective_ + "' asks for");
  }
  // "the size of the capital of texas": an attribute of an attribute is beyond one SELECT.
  for (long i = 0; i + 3 < size(); ++i) {
    if (at(i).kind != Kind::kColumn || word(i + 1) != "of") continue;
    long j = word(i + 2) == "the" ? i + 3 : i + 2;
    if (j < size() && at(j).kind == Kind::kColumn) doubt(0.6, "'" + at(i).raw + " of " + at(j).raw + "' is nested");
  }
  // "how much scholarship money", "total revenue by country": a word of money (or another
  // measure) with an aggregate names the measure column it is about.
  if (attributes.empty() && how_adjective_.empty() && !superlative_ && !limit_) {
    for (long i = 0; i < size(); ++i) {
      if (at(i).kind != Kind::kWord || at(i).used || superlative_of(word(i))) continue;
      const auto& concepts = Lexicon::dimension_of(word(i));
      if (concepts.empty() || word(i) == "where") continue;
      Aggregate agg = how_much_at_ >= 0 && how_much_at_ < i ? Aggregate::kSum : Aggregate::kNone;
      for (long k = i - 1; k >= 0 && k >= i - 3 && agg == Aggregate::kNone; --k) {
        if (auto a = aggregate_word(k)) {
          agg = *a;
          at(k).used = true;
        }
      }
      if (agg == Aggregate::kNone && plan_.group_by.empty()) continue;
      auto c = column_for_dimension(concepts, false);
      if (!c) continue;
      at(i).used = true;
      attributes.push_back(*c);
      attribute_aggregates.push_back(agg == Aggregate::kNone ? Aggregate::kSum : agg);
      break;
    }
  }
  if (attributes.empty() && !how_adjective_.empty()) {
    auto c = column_for_dimension(Lexicon::dimension_of(how_adjective_), how_adjective_ == "old");
    if (!c) return Error::invalid("could not tell which column 'how " + how_adjective_ + "' asks for; name one of " + suggest_numeric());
    attributes.push_back(*c);
    attribute_aggregates.push_back(Aggregate::kNone);
  }
  bool has_aggregate = std::any_of(attribute_aggregates.begin(), attribute_aggregates.end(),
                                   [](Aggregate a) { return a != Aggregate::kNone; });

  const Column* key = subject_->primary_key();
  auto subject_names = display_columns(*subject_);

  // Superlative by a count of related rows, or by an aggregate per group.
  if (order_count_of_ != nullptr || (superlative_ && (!plan_.group_by.empty() || order_needs_aggregate()))) {
    Ordering o;
    o.descending = superlative_->descending;
    if (order_count_of_ == subject_) {
      o.aggregate = Aggregate::kCount;  // COUNT(*) of the subject's rows per group
    } else if (order_count_of_ != nullptr) {
      const Column* child_key = order_count_of_->primary_key();
      o.aggregate = Aggregate::kCount;
      if (child_key) o.column = ColumnRef{order_count_of_->name, child_key->name};
      plan_.extra_tables.push_back(order_count_of_->name);
    } else {
      o.aggregate = ordering_aggregate();
      o.column = order_column_;
    }
    // "which city has the most orders": the rows of the named column's values, not each row.
    bool per_attribute = subject_at_ < 0 && !attributes.empty() && !has_aggregate &&
                         std::all_of(attributes.begin(), attributes.end(), [&](const ColumnRef& a) { return a.table == subject_->name; });
    if (plan_.group_by.empty() && per_attribute) {
      plan_.group_by = attributes;
      group_outputs_ = attributes;
    }
    if (plan_.group_by.empty()) {
      if (key) plan_.group_by.push_back({subject_->name, key->name});
      for (const auto& n : subject_names) plan_.group_by.push_back(n);
      group_outputs_ = subject_names.empty() && key ? std::vector<ColumnRef>{{subject_->name, key->name}} : subject_names;
    }
    for (const auto& g : group_outputs_) plan_.outputs.push_back({Aggregate::kNone, g});
    plan_.outputs.push_back({o.aggregate, o.column});
    plan_.order = o;
    plan_.limit = limit_.value_or(1);
    return Status::success();
  }

  // Having: group the subject rows.
  if (plan_.having) {
    if (key) plan_.group_by.push_back({subject_->name, key->name});
    for (const auto& n : subject_names) plan_.group_by.push_back(n);
    plan_.extra_tables.push_back(having_child_->name);
    for (const auto& n : subject_names.empty() && key ? std::vector<ColumnRef>{{subject_->name, key->name}} : subject_names) {
      plan_.outputs.push_back({Aggregate::kNone, n});
    }
    for (const auto& a : attributes) plan_.outputs.push_back({Aggregate::kNone, a});
    if (plan_.outputs.empty()) return Error::invalid("could not tell what to show of " + subject_->name);
    apply_plain_superlative();
    return Status::success();
  }

  // Grouped aggregates: "number of orders per customer", "average price by category".
  if (!plan_.group_by.empty()) {
    for (const auto& g : group_outputs_) plan_.outputs.push_back({Aggregate::kNone, g});
    if (has_aggregate) {
      for (std::size_t k = 0; k < attributes.size(); ++k) {
        plan_.outputs.push_back({attribute_aggregates[k] == Aggregate::kNone ? Aggregate::kSum : attribute_aggregates[k], attributes[k]});
      }
    } else if (!attributes.empty() && !count_intent_) {
      for (const auto& a : attributes) plan_.outputs.push_back({Aggregate::kSum, a});
      doubt(0.85, "summing " + attributes.front().column + " per group");
    } else {
      Output count{Aggregate::kCount, std::nullopt};
      // Count the subject's rows, not the grouping table's.
      if (key) count.column = ColumnRef{subject_->name, key->name};
      if (count.column && plan_.group_by.front().table != subject_->name) count.aggregate = Aggregate::kCountDistinct;
      plan_.outputs.push_back(count);
    }
    if (superlative_ && order_column_) {
      plan_.order = Ordering{ordering_aggregate(), order_column_, superlative_->descending};
      plan_.limit = limit_.value_or(1);
    } else if (time_grouped_ && !limit_) {
      // A series over time reads in time order.
      plan_.order = Ordering{Aggregate::kNone, plan_.group_by.front(), false};
    } else {
      // Largest groups first reads best.
      plan_.order = Ordering{plan_.outputs.back().aggregate, plan_.outputs.back().column, true};
      if (limit_) plan_.limit = limit_;
    }
    return Status::success();
  }

  // Counting.
  if (count_intent_ && !(attributes.size() == 1 && attribute_aggregates[0] == Aggregate::kNone && count_names_attribute(attributes[0]))) {
    if (!attributes.empty() && !distinct_) doubt(0.6, "'" + attributes.front().column + "' has no part in the count");
    if (distinct_ && !attributes.empty()) {
      plan_.outputs.push_back({Aggregate::kCountDistinct, attributes.front()});
    } else {
      plan_.outputs.push_back({Aggregate::kCount, std::nullopt});
    }
    apply_plain_superlative();
    return Status::success();
  }

  // Aggregates of columns: "average price of products in books".
  if (has_aggregate) {
    for (std::size_t k = 0; k < attributes.size(); ++k) {
      if (attribute_aggregates[k] != Aggregate::kNone) plan_.outputs.push_back({attribute_aggregates[k], attributes[k]});
    }
    return Status::success();
  }

  // A superlative value: "what is the highest price", "what's the lowest fee of an
  // appointment" -> MAX(price), not the rows that have it.
  // ("the best american" stands for rows of the table that holds 'american': not a value.)
  if (superlative_ && order_column_ && attributes.empty() && ((subject_at_ < 0 && !subject_from_value_) || superlative_value_)) {
    plan_.outputs.push_back({superlative_->descending ? Aggregate::kMax : Aggregate::kMin, order_column_});
    return Status::success();
  }

  // Listing: the attributes asked for, else the columns that name the subject's rows.
  if (!attributes.empty()) {
    bool subject_shown = false;
    // "salaries of the engineers": whose salary each is, unless distinct values are asked.
    bool names_shown = std::any_of(attributes.begin(), attributes.end(),
                                   [&](const ColumnRef& a) { return is_name_column(a.table, a.column); });
    // "which cities are the warehouses in": the values of the column, each once.
    bool values_asked = (word(0) == "which" || word(0) == "what") && first_attribute_at_ == 1;
    if (values_asked) plan_.distinct = true;
    if (!distinct_ && !names_shown && !values_asked) {
      for (const auto& n : subject_names) plan_.outputs.push_back({Aggregate::kNone, n});
    }
    for (const auto& a : attributes) {
      plan_.outputs.push_back({Aggregate::kNone, a});
      subject_shown |= a.table == subject_->name;
    }
    // "what state has the highest elevation" asks for a state, not for the elevation.
    if (subject_at_ >= 0 && !subject_shown) doubt(0.55, "the question asks for " + subject_->name + " but names a column of another table");
    // The attributes of one named row: repeated rows say nothing more.
    for (const auto& c : plan_.conditions) {
      if (c.kind == Condition::Kind::kCompare && c.op == "=" && is_name_column(c.column.table, c.column.column)) plan_.distinct = true;
    }
    // "what capital has the largest population": is it the state's population or the capital's?
    if (superlative_ && subject_at_ < 0) doubt(0.6, "the superlative may be about " + attributes.front().column);
    if (plan_.conditions.empty() && !superlative_ && singular_question()) {
      doubt(0.6, "the question asks for one " + attributes.front().column + " but names no row");
    }
  } else if (word(0) == "where") {
    // "where is ...": the row's name and where it is.
    for (const auto& n : subject_names) plan_.outputs.push_back({Aggregate::kNone, n});
    auto places = location_columns();
    if (places.empty()) doubt(0.6, subject_->name + " has no column that says where");
    for (const auto& p : places) plan_.outputs.push_back({Aggregate::kNone, p});
  } else {
    // The rows themselves: every column of the entity (SELECT subject.*), and the columns of
    // a one-to-one companion table that holds its address.
    auto companion = companion_place_columns();
    if (!companion.empty()) {
      for (const auto& c : subject_->columns) plan_.outputs.push_back({Aggregate::kNone, ColumnRef{subject_->name, c.name}});
      for (const auto& p : companion) plan_.outputs.push_back({Aggregate::kNone, p});
    }
  }
  if (distinct_) plan_.distinct = true;
  apply_plain_superlative();
  return Status::success();
}

// Columns that say where a subject row is: its own (address, city, ...) and those of a
// neighbouring table that is itself a place ("location", "address").
std::vector<ColumnRef> Interpreter::location_columns() const {
  const auto& concepts = Lexicon::dimension_of("where");
  auto is_place = [&](const std::string& name) {
    for (const auto& w : split_identifier(name)) {
      if (std::find(concepts.begin(), concepts.end(), stem(w)) != concepts.end()) return true;
    }
    return false;
  };
  std::vector<ColumnRef> out;
  for (const auto& c : subject_->columns) {
    if (!c.primary_key && is_place(c.name) && !is_name_column(subject_->name, c.name)) out.push_back({subject_->name, c.name});
  }
  static const std::set<std::string> kPlaceTables = {"location", "address", "place", "site", "position"};
  for (const auto& t : schema_.tables()) {
    bool place_table = false;
    for (const auto& w : split_identifier(t.name)) place_table |= kPlaceTables.count(stem(w)) > 0;
    if (&t == subject_ || distance(subject_->name, t.name) != std::size_t{1} || !place_table) continue;
    for (const auto& c : t.columns) {
      if (!c.primary_key && !is_key_column(t, c)) out.push_back({t.name, c.name});
    }
  }
  return out;
}

// The columns of a place table ("location", "address") that holds at most one row per
// subject row: its key is also its reference to the subject.
std::vector<ColumnRef> Interpreter::companion_place_columns() const {
  static const std::set<std::string> kPlaceTables = {"location", "address"};
  std::vector<ColumnRef> out;
  const Column* key = subject_->primary_key();
  if (key == nullptr) return out;
  for (const auto& fk : schema_.foreign_keys()) {
    if (fk.ref_table != subject_->name || fk.ref_column != key->name) continue;
    const Table* place = schema_.table(fk.table);
    const Column* place_key = place ? place->primary_key() : nullptr;
    if (place_key == nullptr || place_key->name != fk.column) continue;
    bool named_place = false;
    for (const auto& w : split_identifier(place->name)) named_place |= kPlaceTables.count(stem(w)) > 0;
    if (!named_place) continue;
    for (const auto& c : place->columns) {
      if (!c.primary_key && !is_key_column(*place, c)) out.push_back({place->name, c.name});
    }
  }
  return out;
}

bool Interpreter::singular_question() const {
  return phrase_at(0, {"what", "is"}) || phrase_at(0, {"which", "is"}) || phrase_at(0, {"what", "was"}) ||
         phrase_at(0, {"where", "is"}) ||
         word(0) == "whats" || word(0) == "what's";
}

// An answer that only repeats the row the question names ("what states neighbor maine" ->
// the name 'maine', "how many states border iowa" -> 1) means the question asked for
// something not understood.
Status Interpreter::check_not_echo() const {
  if (plan_.conditions.size() != 1 || !plan_.group_by.empty() || plan_.having || plan_.order) return Status::success();
  const Condition& c = plan_.conditions.front();
  if (c.kind != Condition::Kind::kCompare || c.op != "=") return Status::success();
  bool counts_one = plan_.outputs.size() == 1 && plan_.outputs[0].aggregate == Aggregate::kCount &&
                    !plan_.outputs[0].column && c.column.table == subject_->name &&
                    is_name_column(c.column.table, c.column.column);
  for (const auto& o : plan_.outputs) {
    if (counts_one) break;
    bool repeats = o.column && (*o.column == c.column || (o.column->table == c.column.table &&
                                                          is_name_column(o.column->table, o.column->column) &&
                                                          is_name_column(c.column.table, c.column.column)));
    if (o.aggregate != Aggregate::kNone || !repeats) return Status::success();
  }
  if (plan_.outputs.empty()) return Status::success();
  return Error::invalid("could not tell what the question asks about '" + c.values.front().text +
                        "'; name a column of " + c.column.table + " such as " + suggest_columns(c.column.table));
}

std::string Interpreter::suggest_columns(const std::string& table) const {
  std::vector<std::string> out;
  const Table* t = schema_.table(table);
  for (const auto& c : t->columns) {
    if (!c.primary_key && !is_name_column(table, c.name) && out.size() < 5) out.push_back(c.name);
  }
  return join(out, ", ");
}

// "how many people live in texas": the count names a numeric column, which is the answer.
bool Interpreter::count_names_attribute(const ColumnRef& c) const {
  if (count_at_ < 0) return false;
  const Column* col = schema_.table(c.table)->column(c.column);
  if (!col->numeric()) return false;
  for (long k = count_at_; k < size() && k <= count_at_ + 3; ++k) {
    const LinkedItem& it = items_[static_cast<std::size_t>(k)];
    if (it.kind == Kind::kColumn) return true;
    if (it.kind == Kind::kTable) return false;
  }
  return false;
}

bool Interpreter::order_needs_aggregate() const {
  // Ordering the subject by a column of a table on its "many" side needs an aggregate.
  if (!order_column_ || order_column_->table == subject_->name) return false;
  auto path = schema_.join_path(subject_->name, order_column_->table);
  return path && std::any_of(path->begin(), path->end(), [](const JoinStep& s) { return s.fans_out(); });
}

Aggregate Interpreter::ordering_aggregate() {
  for (long i = 0; i < size(); ++i) {
    if (auto a = aggregate_word(i)) {
      at(i).used = true;
      return *a;
    }
  }
  return order_needs_aggregate() || !plan_.group_by.empty() ? Aggregate::kSum : Aggregate::kNone;
}

// Top N by a plain column, or the single extreme with ties kept.
void Interpreter::apply_plain_superlative() {
  if (!superlative_ || !order_column_) return;
  if (count_intent_ && !limit_) {
    // "how many customers are in the largest city" is beyond a single SELECT's plain shape.
    doubt(0.5, "a count combined with a superlative");
    return;
  }
  if (limit_) {
    plan_.order = Ordering{Aggregate::kNone, order_column_, superlative_->descending};
    plan_.limit = limit_;
    return;
  }
  Condition c;
  c.kind = Condition::Kind::kAtExtreme;
  c.column = *order_column_;
  c.descending = superlative_->descending;
  plan_.conditions.push_back(c);
}

}  // namespace chatdb::nl2sql
