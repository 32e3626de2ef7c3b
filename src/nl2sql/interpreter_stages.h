#pragma once

// The interpreter's stages, declared together. Each stage reads the linked question and writes
// its part of the plan; the definitions live in interpreter_<stage>.cpp and the order in which
// the stages run is Interpreter::interpret() in interpreter.cpp. Internal to src/nl2sql.

#include "common/error.h"
#include "nl2sql/choices.h"
#include "nl2sql/interpreter.h"
#include "nl2sql/linked_question.h"
#include "nl2sql/query_plan.h"
#include "nl2sql/schema.h"
#include "nl2sql/value_index.h"
#include "nl2sql/vocabulary.h"

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace chatdb::nl2sql {

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

  Result<QueryPlan> interpret();
  double confidence() const { return confidence_; }

  bool read_word(const std::string& w) const;
  const std::vector<std::string>& doubts() const { return doubts_; }

 private:
  using Kind = LinkedItem::Kind;
  void doubt(double factor, std::string why);
  std::string word(long i) const;
  long size() const { return static_cast<long>(items_.size()); }
  LinkedItem& at(long i) { return items_[static_cast<std::size_t>(i)]; }

  bool phrase_at(long i, std::initializer_list<std::string_view> words) const;

  // -- intent -----------------------------------------------------------------------------------

  void merge_compounds();
  void read_intent();
  std::optional<Aggregate> aggregate_word(long i) const;

  // -- subject ----------------------------------------------------------------------------------

  std::optional<std::size_t> distance(const std::string& from, const std::string& to) const;
  bool is_name_column(const std::string& table, const std::string& column) const;
  Status choose_subject();
  std::string no_subject_message() const;

  enum class TableRole { kSubject, kAbsent, kHaving, kGroup, kMost };
  TableRole role_of_table(long i) const;
  bool names_a_rate(const std::string& noun) const;
  bool groups_at(long k) const;

  // -- comparisons ------------------------------------------------------------------------------

  std::optional<Comparator> comparator_ending(long end) const;
  bool comparator_before(long number_at) const { return comparator_ending(number_at).has_value(); }

  static std::string comparative_base(const std::string& w);
  std::optional<ColumnRef> column_for_dimension(const std::vector<std::string>& concepts, bool temporal_ok) const;
  const ForeignKey* reference_of(const std::string& table, const std::string& column) const;
  bool is_key_column(const Table& t, const Column& c) const { return schema_.is_key(t.name, c.name); }

  std::optional<ColumnRef> compared_column(long comparator_start, long number_at, bool currency);
  std::optional<ColumnRef> numeric_term(const LinkedItem& it) const;
  void read_average_comparisons();
  Status read_comparisons();
  std::vector<const Column*> measure_columns(const Table& t) const;
  std::string unclear_number(const LinkedItem& num) const;
  void read_limit();

  // -- absence: never / without / no / missing --------------------------------------------------

  void read_absences();
  void mark_negations_before(long i);
  std::optional<ColumnRef> own_column(const LinkedItem& it);

  // -- grouping ---------------------------------------------------------------------------------

  std::optional<DatePart> time_group_at(long i) const;
  Status read_time_grouping();
  Status read_grouping();
  void read_flags();
  bool has_superlative() const;

  // -- superlatives -----------------------------------------------------------------------------

  Status read_superlatives();
  std::string suggest_numeric() const;

  // -- values -----------------------------------------------------------------------------------

  Status read_values();
  bool read_text_search(long i);
  std::string suggest_value(const std::string& text) const;
  bool negated_before(long i);
  std::optional<std::pair<ColumnRef, std::string>> choose_value_column(long i, const std::set<std::string>& exclude);
  const ValueMatch* choose_value_home(const LinkedItem& it, const std::vector<const ValueMatch*>& homes);
  bool key_linked(const ValueMatch& a, const ValueMatch& b) const;
  bool referenced_by_other(const ValueMatch& v, const std::vector<ValueMatch>& all) const;
  bool mentioned(const std::string& table) const;

  // -- dates ------------------------------------------------------------------------------------

  Status read_dates();
  bool year_column_compare(long i);
  std::optional<ColumnRef> date_column(long i);

  // -- other tables named -----------------------------------------------------------------------

  void read_related_tables();

  // -- outputs ----------------------------------------------------------------------------------

  bool has_condition_on(const ColumnRef& c) const;
  std::vector<ColumnRef> display_columns(const Table& t) const;
  Status build_outputs();
  std::vector<ColumnRef> location_columns() const;
  std::vector<ColumnRef> companion_place_columns() const;
  bool singular_question() const;
  Status check_not_echo() const;
  void check_absences();
  std::string suggest_columns(const std::string& table) const;
  bool count_names_attribute(const ColumnRef& c) const;
  bool order_needs_aggregate() const;
  Aggregate ordering_aggregate();
  void apply_plain_superlative();
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

}  // namespace chatdb::nl2sql
