#include "nl2sql/schema_profiler.h"

#include "nl2sql/lexicon.h"
#include "nl2sql/text.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>

namespace chatdb::nl2sql {
namespace {

constexpr std::size_t kSample = 300;
constexpr std::size_t kMaxKeys = 20000;
const ExecOptions kSampleLimits{kSample, std::chrono::milliseconds(2000)};
const ExecOptions kKeyLimits{kMaxKeys, std::chrono::milliseconds(3000)};

// The column's distinct values; with `sample`, the first of them when there are more.
std::optional<std::vector<nlohmann::json>> distinct_values(DataSource& source, const Table& t, const Column& c,
                                                           const ExecOptions& limits, bool sample) {
  std::string col = quote_identifier(c.name);
  auto rows = source.execute("SELECT DISTINCT " + col + " FROM " + quote_identifier(t.name) + " WHERE " + col +
                                 " IS NOT NULL",
                             limits);
  if (!rows || (rows->truncated && !sample)) return std::nullopt;
  std::vector<nlohmann::json> out;
  for (auto& r : rows->rows) out.push_back(std::move(r[0]));
  return out;
}

bool digits(std::string_view s, std::size_t from, std::size_t n) {
  if (s.size() < from + n) return false;
  for (std::size_t i = from; i < from + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

// "2024-03-01" is a date; "2024-03-01 10:00[:00...]" or "2024-03-01T10:00..." a timestamp.
std::optional<ColumnKind> date_kind(std::string_view s) {
  if (!digits(s, 0, 4) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2) || s[7] != '-' || !digits(s, 8, 2)) {
    return std::nullopt;
  }
  if (s.size() == 10) return ColumnKind::kDate;
  if ((s[10] == ' ' || s[10] == 'T') && digits(s, 11, 2) && s.size() >= 16 && s[13] == ':') return ColumnKind::kTimestamp;
  return std::nullopt;
}

// A plain decimal number: optional sign, digits, at most one point. "007" codes are not
// numbers: a leading zero before another digit reads as an identifier.
std::optional<bool> number_kind(std::string_view s) {  // true: has a fraction
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  if (s.empty() || s.size() > 30) return std::nullopt;
  if (s.size() > 1 && s[0] == '0' && s[1] != '.') return std::nullopt;
  bool point = false;
  bool any_digit = false;
  for (char c : s) {
    if (c == '.') {
      if (point) return std::nullopt;
      point = true;
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      any_digit = true;
    } else {
      return std::nullopt;
    }
  }
  if (!any_digit) return std::nullopt;
  return point;
}

void learn_text_kind(Column& c, const std::vector<nlohmann::json>& values) {
  if (values.empty()) return;
  std::optional<ColumnKind> dates = ColumnKind::kDate;
  bool numbers = true;
  bool fraction = false;
  for (const auto& v : values) {
    if (!v.is_string()) return;  // mixed storage: leave it as declared
    const auto& s = v.get_ref<const std::string&>();
    if (dates) {
      auto k = date_kind(s);
      if (!k) dates.reset();
      else if (*k == ColumnKind::kTimestamp) dates = ColumnKind::kTimestamp;
    }
    if (numbers) {
      auto n = number_kind(s);
      if (!n) numbers = false;
      else fraction |= *n;
    }
    if (!dates && !numbers) return;
  }
  if (dates) {
    c.kind = *dates;
    c.stored_as_text = true;
  } else if (numbers) {
    c.kind = fraction ? ColumnKind::kReal : ColumnKind::kInteger;
    c.stored_as_text = true;
  }
}

// The share of the first rows that have a value: an end date is often missing, a start date not.
void learn_filled(DataSource& source, const Table& t, Column& c) {
  std::string col = quote_identifier(c.name);
  auto rows = source.execute("SELECT COUNT(" + col + "), COUNT(*) FROM (SELECT " + col + " FROM " +
                                 quote_identifier(t.name) + " LIMIT 1000) AS sample",
                             kSampleLimits);
  if (!rows || rows->rows.empty() || !rows->rows[0][0].is_number() || !rows->rows[0][1].is_number()) return;
  double all = rows->rows[0][1].get<double>();
  if (all > 0) c.filled = rows->rows[0][0].get<double>() / all;
}

void learn_flag(Column& c, const std::vector<nlohmann::json>& values) {
  if (values.size() != 2) return;
  std::set<long long> seen;
  for (const auto& v : values) {
    if (!v.is_number_integer()) return;
    seen.insert(v.get<long long>());
  }
  c.flag = seen == std::set<long long>{0, 1};
}

std::vector<std::string> stems_of(const std::string& name) {
  std::vector<std::string> out;
  for (const auto& w : split_identifier(name)) out.push_back(stem(w));
  return out;
}

// Words that make a column read as a pointer to a row elsewhere: approved_by, assigned_to,
// and the roles people take towards a row (account_owner, line_manager).
bool reference_word(const std::string& w) {
  static const std::set<std::string> kWords = {"by", "to", "id", "no", "code", "reference", "key", "fk", "owner",
                                               "manager", "approver", "assignee", "lead", "head", "parent"};
  return kWords.count(w) > 0;
}

// Whether the column's own words name the table: origin_hub -> hubs, mgr -> managers is left
// to the reference words.
bool names_table(const std::vector<std::string>& column_words, const Table& t) {
  std::vector<std::string> table_words = stems_of(t.name);
  if (table_words.empty()) return false;
  for (const auto& w : column_words) {
    for (const auto& s : Lexicon::synonyms(w)) {
      if (s == table_words.back()) return true;
    }
  }
  return false;
}

bool same_kind(const Column& a, const Column& b) {
  if (a.numeric() && b.numeric()) return a.kind == ColumnKind::kInteger && b.kind == ColumnKind::kInteger;
  return a.kind == ColumnKind::kText && b.kind == ColumnKind::kText;
}

bool has_key(const std::vector<ForeignKey>& keys, const std::string& table, const std::string& column) {
  return std::any_of(keys.begin(), keys.end(), [&](const ForeignKey& k) { return k.table == table && k.column == column; });
}

void infer_references(DataSource& source, const std::vector<Table>& tables, std::vector<ForeignKey>& keys) {
  std::map<std::string, std::optional<std::set<std::string>>> key_values;  // table -> its key's values
  auto values_of_key = [&](const Table& t) -> const std::optional<std::set<std::string>>& {
    auto it = key_values.find(t.name);
    if (it != key_values.end()) return it->second;
    std::optional<std::set<std::string>> set;
    if (auto v = distinct_values(source, t, *t.primary_key(), kKeyLimits, false)) {
      set.emplace();
      for (const auto& x : *v) set->insert(x.dump());
    }
    return key_values[t.name] = std::move(set);
  };
  std::vector<ForeignKey> found;
  for (const auto& a : tables) {
    for (const auto& c : a.columns) {
      // A column that is the whole key names its own rows; part of a composite key (a junction
      // table's) may well point elsewhere.
      if (a.primary_key() == &c || c.flag || c.stored_as_text || has_key(keys, a.name, c.name)) continue;
      if (c.kind != ColumnKind::kInteger && c.kind != ColumnKind::kText) continue;
      std::vector<std::string> words = stems_of(c.name);
      if (words.empty()) continue;
      bool reads_as_reference = reference_word(words.back());
      std::vector<const Table*> candidates;
      for (const auto& b : tables) {
        const Column* key = b.primary_key();
        if (&a == &b || key == nullptr || !same_kind(c, *key)) continue;
        bool named = names_table(words, b);
        if (named || reads_as_reference) candidates.push_back(&b);
      }
      if (candidates.empty()) continue;
      auto sample = distinct_values(source, a, c, kSampleLimits, true);
      if (!sample || sample->empty()) continue;
      // Named tables first; among the rest, the smallest key set that holds every value.
      std::stable_sort(candidates.begin(), candidates.end(),
                       [&](const Table* x, const Table* y) { return names_table(words, *x) > names_table(words, *y); });
      const Table* best = nullptr;
      std::size_t best_size = 0;
      bool best_named = false;
      for (const Table* b : candidates) {
        bool named = names_table(words, *b);
        if (best != nullptr && best_named && !named) break;
        // A bare number column that only reads as a reference needs several distinct values.
        if (!named && sample->size() < 3) continue;
        const auto& keys_of_b = values_of_key(*b);
        if (!keys_of_b) continue;
        bool contained = std::all_of(sample->begin(), sample->end(),
                                     [&](const nlohmann::json& v) { return keys_of_b->count(v.dump()) > 0; });
        if (!contained) continue;
        if (best == nullptr || keys_of_b->size() < best_size) {
          best = b;
          best_size = keys_of_b->size();
          best_named = named;
        }
      }
      if (best != nullptr) found.push_back({a.name, c.name, best->name, best->primary_key()->name, true});
    }
  }
  keys.insert(keys.end(), found.begin(), found.end());
}

}  // namespace

Schema SchemaProfiler::profile(DataSource& source, const Schema& schema) {
  std::vector<Table> tables = schema.tables();
  for (auto& t : tables) {
    for (auto& c : t.columns) {
      if (c.kind == ColumnKind::kBoolean) {
        c.flag = true;
        continue;
      }
      if (c.primary_key) continue;
      if (c.kind == ColumnKind::kText || c.kind == ColumnKind::kOther) {
        if (auto v = distinct_values(source, t, c, kSampleLimits, true)) learn_text_kind(c, *v);
      } else if (c.kind == ColumnKind::kInteger) {
        if (auto v = distinct_values(source, t, c, ExecOptions{3, std::chrono::milliseconds(2000)}, false)) learn_flag(c, *v);
      }
      if (c.temporal()) learn_filled(source, t, c);
    }
  }
  std::vector<ForeignKey> keys = schema.foreign_keys();
  infer_references(source, tables, keys);
  return Schema(std::move(tables), std::move(keys));
}

}  // namespace chatdb::nl2sql
