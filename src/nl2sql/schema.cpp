#include "nl2sql/schema.h"

#include "nl2sql/text.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <deque>
#include <map>

namespace chatdb::nl2sql {

std::string to_string(ColumnKind kind) {
  switch (kind) {
    case ColumnKind::kInteger: return "integer";
    case ColumnKind::kReal: return "real";
    case ColumnKind::kText: return "text";
    case ColumnKind::kDate: return "date";
    case ColumnKind::kTimestamp: return "timestamp";
    case ColumnKind::kBoolean: return "boolean";
    case ColumnKind::kOther: return "other";
  }
  return "other";
}

ColumnKind kind_of_type(const std::string& declared_type) {
  std::string t = lower(declared_type);
  auto has = [&](std::string_view s) { return t.find(s) != std::string::npos; };
  if (has("timestamp") || has("datetime")) return ColumnKind::kTimestamp;
  if (has("date")) return ColumnKind::kDate;
  if (has("bool")) return ColumnKind::kBoolean;
  if (has("int") || has("serial")) return ColumnKind::kInteger;
  if (has("real") || has("floa") || has("doub") || has("dec") || has("num") || has("money")) return ColumnKind::kReal;
  if (has("char") || has("text") || has("clob") || has("uuid") || has("citext") || t.empty()) return ColumnKind::kText;
  return ColumnKind::kOther;
}

const Column* Table::column(const std::string& wanted) const {
  std::string w = lower(wanted);
  for (const auto& c : columns) {
    if (lower(c.name) == w) return &c;
  }
  return nullptr;
}

const Column* Table::primary_key() const {
  const Column* key = nullptr;
  for (const auto& c : columns) {
    if (!c.primary_key) continue;
    if (key != nullptr) return nullptr;  // composite keys identify no single column
    key = &c;
  }
  return key;
}

namespace {

std::vector<std::string> stems_of(const std::string& name) {
  std::vector<std::string> out;
  for (const auto& w : split_identifier(name)) out.push_back(stem(w));
  return out;
}

}  // namespace

Schema::Schema(std::vector<Table> tables, std::vector<ForeignKey> foreign_keys) : tables_(std::move(tables)) {
  // Keep declared keys only when both ends exist: some databases declare keys to columns they lack.
  for (auto& fk : foreign_keys) {
    const Table* from = table(fk.table);
    const Table* to = table(fk.ref_table);
    if (from == nullptr || to == nullptr || from->column(fk.column) == nullptr || to->column(fk.ref_column) == nullptr) {
      continue;
    }
    fk.table = from->name;
    fk.column = from->column(fk.column)->name;
    fk.ref_table = to->name;
    fk.ref_column = to->column(fk.ref_column)->name;
    foreign_keys_.push_back(std::move(fk));
  }
  infer_foreign_keys();
}

const Table* Schema::table(const std::string& name) const {
  std::string n = lower(name);
  for (const auto& t : tables_) {
    if (lower(t.name) == n) return &t;
  }
  return nullptr;
}

std::vector<const Column*> Schema::name_columns(const Table& table) const {
  std::vector<std::string> table_stems = stems_of(table.name);
  const Column* exact = nullptr;
  const Column* first = nullptr;
  const Column* last = nullptr;
  const Column* any_name = nullptr;
  for (const auto& c : table.columns) {
    if (c.kind != ColumnKind::kText) continue;
    std::vector<std::string> words = stems_of(c.name);
    if (words.empty()) continue;
    std::string joined = join(words, " ");
    if (joined == "name" || joined == "title" || joined == "full name" || joined == "label") {
      exact = exact ? exact : &c;
    } else if (words.back() == "name" || words.back() == "title") {
      std::vector<std::string> head(words.begin(), words.end() - 1);
      if (head == table_stems || (!table_stems.empty() && head.size() == 1 && head[0] == table_stems.back())) {
        exact = exact ? exact : &c;
      } else if (joined == "first name" || joined == "given name") {
        first = &c;
      } else if (joined == "last name" || joined == "family name" || joined == "surname") {
        last = &c;
      } else if (any_name == nullptr) {
        any_name = &c;
      }
    }
  }
  if (exact != nullptr) return {exact};
  if (first != nullptr && last != nullptr) return {first, last};
  if (any_name != nullptr) {
    // A "<other>_name" column that is a key into another table names that table's rows.
    bool is_reference = false;
    for (const auto& fk : foreign_keys_) is_reference |= fk.table == table.name && fk.column == any_name->name;
    if (!is_reference) return {any_name};
  }
  return {};
}

void Schema::infer_foreign_keys() {
  auto declared = [&](const std::string& t, const std::string& c) {
    for (const auto& fk : foreign_keys_) {
      if (fk.table == t && fk.column == c) return true;
    }
    return false;
  };
  std::vector<ForeignKey> inferred;
  for (const auto& a : tables_) {
    for (const auto& c : a.columns) {
      if (declared(a.name, c.name)) continue;
      std::vector<std::string> words = stems_of(c.name);
      if (words.size() < 2) continue;
      std::vector<std::string> head(words.begin(), words.end() - 1);
      for (const auto& b : tables_) {
        if (&a == &b || stems_of(b.name) != head) continue;
        // "<table>_id" refers to that table's key; "<table>_name" to its name column.
        const Column* target = nullptr;
        if (words.back() == "id" || words.back() == "code" || words.back() == "no" || words.back() == "number") {
          target = b.primary_key();
          if (target == nullptr) target = b.column(c.name);
        } else if (words.back() == "name") {
          target = b.column(c.name);
        }
        if (target != nullptr && (target->primary_key || target->name == c.name)) {
          inferred.push_back({a.name, c.name, b.name, target->name, true});
          break;
        }
      }
    }
  }
  foreign_keys_.insert(foreign_keys_.end(), inferred.begin(), inferred.end());
}

bool Schema::is_key(const std::string& table, const std::string& column) const {
  return std::any_of(foreign_keys_.begin(), foreign_keys_.end(), [&](const ForeignKey& fk) {
    return (fk.table == table && fk.column == column) || (fk.ref_table == table && fk.ref_column == column);
  });
}

std::optional<std::vector<JoinStep>> Schema::join_path(const std::string& from, const std::string& to) const {
  // A path of declared keys is trusted over a shorter one through a key read from names or
  // data ("patients who saw doctor X" goes through appointments, not the undeclared referred_by).
  auto any = shortest_path(from, to, false);
  if (!any || any->empty()) return any;
  bool all_declared = std::none_of(any->begin(), any->end(), [](const JoinStep& s) { return s.fk.inferred; });
  if (all_declared) return any;
  auto declared = shortest_path(from, to, true);
  if (declared && declared->size() <= any->size() + 1) return declared;
  return any;
}

std::optional<std::vector<JoinStep>> Schema::shortest_path(const std::string& from, const std::string& to,
                                                           bool declared_only) const {
  const Table* start = table(from);
  const Table* goal = table(to);
  if (start == nullptr || goal == nullptr) return std::nullopt;
  if (start == goal) return std::vector<JoinStep>{};
  // Breadth-first over keys in both directions; declared keys come first, so they win ties.
  std::map<std::string, JoinStep> came_from;
  std::deque<std::string> queue = {start->name};
  came_from[start->name] = {};
  while (!queue.empty()) {
    std::string current = queue.front();
    queue.pop_front();
    if (current == goal->name) break;
    for (const auto& fk : foreign_keys_) {
      if (declared_only && fk.inferred) continue;
      std::string next;
      if (fk.table == current) next = fk.ref_table;
      else if (fk.ref_table == current) next = fk.table;
      else continue;
      if (came_from.count(next)) continue;
      came_from[next] = JoinStep{current, next, fk};
      queue.push_back(next);
    }
  }
  if (!came_from.count(goal->name)) return std::nullopt;
  std::vector<JoinStep> path;
  for (std::string at = goal->name; at != start->name; at = came_from[at].from_table) path.insert(path.begin(), came_from[at]);
  return path;
}

nlohmann::json Schema::to_json() const {
  nlohmann::json tables = nlohmann::json::array();
  for (const auto& t : tables_) {
    nlohmann::json columns = nlohmann::json::array();
    for (const auto& c : t.columns) {
      columns.push_back({{"name", c.name}, {"type", c.type}, {"kind", to_string(c.kind)},
                         {"primary_key", c.primary_key}, {"nullable", c.nullable}});
    }
    tables.push_back({{"name", t.name}, {"columns", columns}, {"row_count", t.row_count}});
  }
  nlohmann::json keys = nlohmann::json::array();
  for (const auto& fk : foreign_keys_) {
    keys.push_back({{"table", fk.table}, {"column", fk.column}, {"ref_table", fk.ref_table},
                    {"ref_column", fk.ref_column}, {"inferred", fk.inferred}});
  }
  return {{"tables", tables}, {"foreign_keys", keys}};
}

}  // namespace chatdb::nl2sql
