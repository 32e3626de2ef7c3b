#include "nl2sql/interpreter.h"

#include "nl2sql/text.h"
#include "nl2sql/vocabulary.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <optional>
#include <set>

namespace chatdb::nl2sql {
namespace {

// Comparison words: the SQL operator they mean, and how many words they span.
struct Comparator {
  std::string op;
  std::size_t words = 1;
};

class Interpreter {
 public:
  Interpreter(const Schema& schema, const ValueIndex& values, LinkedQuestion question, Choices& choices)
      : schema_(schema), values_(values), items_(std::move(question.items)),
        unknown_(std::move(question.unknown)), unlinked_verbs_(std::move(question.verbs)), choices_(choices) {}

  Result<QueryPlan> interpret() {
    // A noun or adjective that names nothing may be what the question is about ("dorms",
    // "international"): no answer is sure without it. A verb that names nothing mostly says
    // how things relate ("which department is housed in"), which the joins already say.

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
    // Words that named nothing and that no stage read ("per month" is read by grouping).
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

  double confidence() const { return confidence_; }

  bool read_word(const std::string& w) const {
    return std::any_of(items_.begin(), items_.end(), [&](const LinkedItem& it) { return it.word == w && it.used; });
  }
  const std::vector<std::string>& doubts() const { return doubts_; }

 private:
  using Kind = LinkedItem::Kind;

  void doubt(double factor, std::string why) {
    confidence_ *= factor;
    doubts_.push_back(std::move(why));
  }

  // The word at i, or "" when i is out of range or not a plain word.
  std::string word(long i) const {
    if (i < 0 || i >= static_cast<long>(items_.size())) return "";
    const LinkedItem& it = items_[static_cast<std::size_t>(i)];
    return it.kind == Kind::kWord || it.kind == Kind::kSymbol ? it.word : "";
  }
  long size() const { return static_cast<long>(items_.size()); }
  LinkedItem& at(long i) { return items_[static_cast<std::size_t>(i)]; }

  bool phrase_at(long i, std::initializer_list<std::string_view> words) const {
    long k = i;
    for (auto w : words) {
      if (word(k) != w) return false;
      ++k;
    }
    return true;
  }

  // -- intent -----------------------------------------------------------------------------------

  // Two columns of one table named back to back are a compound noun whose head is the last:
  // "population density" is the density.
  void merge_compounds() {
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
      b.terms = shared;
      a.kind = Kind::kWord;
      a.used = true;
    }
  }

  void read_intent() {
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
    // "total number of" counts; "total price" sums.
  }

  std::optional<Aggregate> aggregate_word(long i) const {
    std::string w = word(i);
    if (w == "average" || w == "avg" || w == "mean") return Aggregate::kAvg;
    if (w == "total" || w == "sum" || w == "combined" || w == "overall") return Aggregate::kSum;
    if (w == "maximum" || w == "max") return Aggregate::kMax;
    if (w == "minimum" || w == "min") return Aggregate::kMin;
    return std::nullopt;
  }

  // -- subject ----------------------------------------------------------------------------------

  // Whether table `t` is the subject's own or reachable from it.
  std::optional<std::size_t> distance(const std::string& from, const std::string& to) const {
    auto path = schema_.join_path(from, to);
    if (!path) return std::nullopt;
    return path->size();
  }

  bool is_name_column(const std::string& table, const std::string& column) const {
    const Table* t = schema_.table(table);
    if (t == nullptr) return false;
    for (const Column* c : schema_.name_columns(*t)) {
      if (c->name == column) return true;
    }
    return false;
  }

  Status choose_subject() {
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

  std::string no_subject_message() const {
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

  enum class TableRole { kSubject, kAbsent, kHaving, kGroup, kMost };

  // Reads the words before the table at i to tell its role.
  TableRole role_of_table(long i) const {
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
  bool names_a_rate(const std::string& noun) const {
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
  bool groups_at(long k) const {
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

  // -- comparisons ------------------------------------------------------------------------------

  // The comparator that ends right before item `end` (exclusive), if any.
  std::optional<Comparator> comparator_ending(long end) const {
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
  bool comparator_before(long number_at) const { return comparator_ending(number_at).has_value(); }

  // "cheaper" -> "cheap", "larger" -> "large", "bigger" -> "big"; "" when not a comparative.
  static std::string comparative_base(const std::string& w) {
    if (w.size() < 5 || !w.ends_with("er")) return "";
    std::string base = w.substr(0, w.size() - 2);
    if (base.ends_with("i")) base.back() = 'y';                                      // heavier
    if (base.size() > 2 && base.back() == base[base.size() - 2]) base.pop_back();  // bigger
    if (!Lexicon::dimension_of(base).empty()) return base;
    if (!Lexicon::dimension_of(base + "e").empty()) return base + "e";             // larger
    return "";
  }

  // A numeric column of the subject or a table near it that a dimension word is about.
  std::optional<ColumnRef> column_for_dimension(const std::vector<std::string>& concepts, bool temporal_ok) const {
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
  const ForeignKey* reference_of(const std::string& table, const std::string& column) const {
    for (const auto& fk : schema_.foreign_keys()) {
      if (fk.table == table && fk.column == column && fk.ref_table != table) return &fk;
    }
    return nullptr;
  }

  bool is_key_column(const Table& t, const Column& c) const { return schema_.is_key(t.name, c.name); }

  // The column a number is compared with: a column named right after the number ("150000
  // people") or before the comparator ("price over 20", "population of more than"), or a
  // dimension verb ("costs less than 20").
  std::optional<ColumnRef> compared_column(long comparator_start, long number_at, bool currency) {
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

  std::optional<ColumnRef> numeric_term(const LinkedItem& it) const {
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
  void read_average_comparisons() {
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

  Status read_comparisons() {
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
      long after = i + 1;
      if (op.size() <= 2 && (word(i + 1) == "or") ) after = i + 3;
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

  std::vector<const Column*> measure_columns(const Table& t) const {
    std::vector<const Column*> out;
    for (const auto& c : t.columns) {
      if (c.numeric() && !c.flag && !c.primary_key && !is_key_column(t, c)) out.push_back(&c);
    }
    return out;
  }

  std::string unclear_number(const LinkedItem& num) const {
    std::vector<std::string> numeric;
    for (const Column* c : measure_columns(*subject_)) numeric.push_back(c->name);
    return "could not tell which column " + num.raw + " is compared with; name one of " + subject_->name + "'s " +
           (numeric.empty() ? std::string("columns") : join(numeric, ", "));
  }

  void read_limit() {
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

  // -- absence: never / without / no / missing --------------------------------------------------

  void read_absences() {
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

  void mark_negations_before(long i) {
    for (long k = i - 1; k >= 0 && k >= i - 4; --k) {
      if (at(k).kind != Kind::kWord) break;
      if (is_negation(word(k)) || is_absence(word(k)) || word(k) == "missing" || word(k) == "lacking") at(k).used = true;
    }
  }

  // The candidate of a column item in the subject's table, else in the nearest table.
  std::optional<ColumnRef> own_column(const LinkedItem& it) {
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

  // -- grouping ---------------------------------------------------------------------------------

  // "signups per year", "revenue by month", "monthly sales": the date's year or month.
  std::optional<DatePart> time_group_at(long i) const {
    if (i < 0 || i >= size()) return std::nullopt;
    std::string w = items_[static_cast<std::size_t>(i)].word;
    // "year" may name a column ("enroll_yr"); a year column of the subject is grouped by as it is.
    if (items_[static_cast<std::size_t>(i)].kind == Kind::kColumn) {
      for (const auto& t : items_[static_cast<std::size_t>(i)].terms) {
        if (t.table == subject_->name) return std::nullopt;
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

  Status read_time_grouping() {
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

  Status read_grouping() {
    if (auto s = read_time_grouping(); !s.ok()) return s;
    for (long i = 0; i < size(); ++i) {
      LinkedItem& it = at(i);
      if (it.used || (it.kind != Kind::kTable && it.kind != Kind::kColumn)) continue;
      std::string w1 = word(i - 1);
      bool grouped = groups_at(i - 1);
      if (!grouped) continue;
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
  void read_flags() {
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

  bool has_superlative() const {
    for (long i = 0; i < size(); ++i) {
      if (superlative_of(word(i))) return true;
    }
    return false;
  }

  // -- superlatives -----------------------------------------------------------------------------

  Status read_superlatives() {
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

  std::string suggest_numeric() const {
    std::vector<std::string> out;
    for (const auto& c : subject_->columns) {
      if ((c.numeric() || c.temporal()) && !c.primary_key && !is_key_column(*subject_, c)) out.push_back(c.name);
    }
    return out.empty() ? "a numeric column" : join(out, ", ");
  }

  // -- values -----------------------------------------------------------------------------------

  Status read_values() {
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
  bool read_text_search(long i) {
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

  std::string suggest_value(const std::string& text) const {
    auto near = values_.closest(text, 3);
    if (near.empty()) return "check the spelling";
    std::vector<std::string> parts;
    for (const auto& v : near) parts.push_back("'" + v.value + "' (" + v.table + "." + v.column + ")");
    return "closest: " + join(parts, ", ");
  }

  bool negated_before(long i) {
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
  std::optional<std::pair<ColumnRef, std::string>> choose_value_column(long i, const std::set<std::string>& exclude) {
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

  const ValueMatch* choose_value_home(const LinkedItem& it, const std::vector<const ValueMatch*>& homes) {
    std::vector<std::string> options;
    for (const auto* m : homes) options.push_back(m->table + "." + m->column);
    return homes[choices_.choose("'" + it.raw + "' is stored in several columns: which is meant?", options)];
  }

  bool key_linked(const ValueMatch& a, const ValueMatch& b) const {
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
  bool referenced_by_other(const ValueMatch& v, const std::vector<ValueMatch>& all) const {
    for (const auto& fk : schema_.foreign_keys()) {
      if (fk.ref_table != v.table || fk.ref_column != v.column) continue;
      for (const auto& o : all) {
        if (o.table == fk.table && o.column == fk.column) return true;
      }
    }
    return false;
  }

  bool mentioned(const std::string& table) const {
    for (const auto& it : items_) {
      if ((it.kind == Kind::kTable || it.kind == Kind::kColumn) && !it.terms.empty() && it.terms.front().table == table) {
        return true;
      }
    }
    return false;
  }

  // -- dates ------------------------------------------------------------------------------------

  Status read_dates() {
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
  bool year_column_compare(long i) {
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
  std::optional<ColumnRef> date_column(long i) {
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

  // -- other tables named -----------------------------------------------------------------------

  void read_related_tables() {
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

  // -- outputs ----------------------------------------------------------------------------------

  bool has_condition_on(const ColumnRef& c) const {
    return std::any_of(plan_.conditions.begin(), plan_.conditions.end(),
                       [&](const Condition& x) { return x.column.table == c.table && x.column.column == c.column; });
  }

  std::vector<ColumnRef> display_columns(const Table& t) const {
    std::vector<ColumnRef> out;
    for (const Column* c : schema_.name_columns(t)) out.push_back({t.name, c->name});
    return out;
  }

  Status build_outputs() {
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
  std::vector<ColumnRef> location_columns() const {
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
  std::vector<ColumnRef> companion_place_columns() const {
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

  bool singular_question() const {
    return phrase_at(0, {"what", "is"}) || phrase_at(0, {"which", "is"}) || phrase_at(0, {"what", "was"}) ||
           phrase_at(0, {"where", "is"}) ||
           word(0) == "whats" || word(0) == "what's";
  }

  // An answer that only repeats the row the question names ("what states neighbor maine" ->
  // the name 'maine', "how many states border iowa" -> 1) means the question asked for
  // something not understood.
  Status check_not_echo() const {
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

  std::string suggest_columns(const std::string& table) const {
    std::vector<std::string> out;
    const Table* t = schema_.table(table);
    for (const auto& c : t->columns) {
      if (!c.primary_key && !is_name_column(table, c.name) && out.size() < 5) out.push_back(c.name);
    }
    return join(out, ", ");
  }

  // "how many people live in texas": the count names a numeric column, which is the answer.
  bool count_names_attribute(const ColumnRef& c) const {
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

  bool order_needs_aggregate() const {
    // Ordering the subject by a column of a table on its "many" side needs an aggregate.
    if (!order_column_ || order_column_->table == subject_->name) return false;
    auto path = schema_.join_path(subject_->name, order_column_->table);
    return path && std::any_of(path->begin(), path->end(), [](const JoinStep& s) { return s.fans_out(); });
  }

  Aggregate ordering_aggregate() {
    for (long i = 0; i < size(); ++i) {
      if (auto a = aggregate_word(i)) {
        at(i).used = true;
        return *a;
      }
    }
    return order_needs_aggregate() || !plan_.group_by.empty() ? Aggregate::kSum : Aggregate::kNone;
  }

  // Top N by a plain column, or the single extreme with ties kept.
  void apply_plain_superlative() {
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

  const Schema& schema_;
  const ValueIndex& values_;
  std::vector<LinkedItem> items_;
  std::vector<std::string> unknown_;
  std::vector<std::string> unlinked_verbs_;
  Choices& choices_;
  QueryPlan plan_;
  const Table* subject_ = nullptr;
  long subject_at_ = -1;
  bool count_intent_ = false;
  long count_at_ = -1;
  long how_much_at_ = -1;
  bool distinct_ = false;
  std::string how_adjective_;
  std::optional<long long> limit_;
  std::optional<Superlative> superlative_;
  std::optional<ColumnRef> order_column_;
  const Table* order_count_of_ = nullptr;
  const Table* having_child_ = nullptr;
  std::vector<ColumnRef> group_outputs_;
  bool time_grouped_ = false;
  bool superlative_value_ = false;
  bool subject_from_value_ = false;  // no table named: the table holding a value of the question
  std::string partner_table_;  // the table of the value just before the one being placed
  long first_attribute_at_ = -1;
  double confidence_ = 1.0;
  std::vector<std::string> doubts_;
};

}  // namespace

Result<Interpretation> interpret(const Schema& schema, const ValueIndex& values, LinkedQuestion question,
                                 Choices& choices) {
  Interpreter interpreter(schema, values, std::move(question), choices);
  auto plan = interpreter.interpret();
  if (!plan) return plan.error();
  return Interpretation{std::move(plan).value(), interpreter.confidence(), interpreter.doubts()};
}

}  // namespace chatdb::nl2sql
