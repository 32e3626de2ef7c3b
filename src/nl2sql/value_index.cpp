#include "nl2sql/value_index.h"

#include "nl2sql/text.h"

#include <algorithm>

namespace chatdb::nl2sql {

std::string ValueIndex::normalize(const std::string& text) {
  std::string out;
  bool blank = false;
  for (char c : lower(text)) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      blank = !out.empty();
      continue;
    }
    if (blank) out += ' ';
    blank = false;
    out += c;
  }
  return out;
}

ValueIndex ValueIndex::build(DataSource& source, const Schema& schema, Options options) {
  ValueIndex index;
  index.max_words_ = options.max_words;
  for (const auto& table : schema.tables()) {
    for (const auto& column : table.columns) {
      if (column.kind != ColumnKind::kText) continue;
      std::string sql = "SELECT " + quote_identifier(column.name) + ", COUNT(*) FROM " + quote_identifier(table.name) +
                        " WHERE " + quote_identifier(column.name) + " IS NOT NULL GROUP BY " +
                        quote_identifier(column.name);
      auto rows = source.execute(sql, ExecOptions{options.max_distinct, std::chrono::milliseconds(5000)});
      if (!rows || rows->truncated) continue;
      for (const auto& row : rows->rows) {
        if (!row[0].is_string()) continue;
        std::string value = row[0].get<std::string>();
        std::string key = normalize(value);
        if (key.empty() || key.size() > options.max_value_chars ||
            static_cast<std::size_t>(std::count(key.begin(), key.end(), ' ')) >= options.max_words) {
          continue;
        }
        std::int64_t count = row[1].is_number_integer() ? row[1].get<std::int64_t>() : 0;
        index.values_[key].push_back({table.name, column.name, value, count});
      }
    }
  }
  return index;
}

const std::vector<ValueMatch>* ValueIndex::find(const std::string& text) const {
  auto it = values_.find(normalize(text));
  return it == values_.end() ? nullptr : &it->second;
}

std::vector<ValueMatch> ValueIndex::closest(const std::string& text, std::size_t limit) const {
  std::string key = normalize(text);
  std::vector<std::pair<int, const ValueMatch*>> scored;
  for (const auto& [value, matches] : values_) {
    // Only near misses are worth suggesting: at most a third of the letters differ.
    int d = edit_distance(key, value);
    if (d * 3 <= static_cast<int>(std::max(key.size(), value.size()))) scored.emplace_back(d, &matches.front());
  }
  std::sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<ValueMatch> out;
  for (std::size_t i = 0; i < scored.size() && i < limit; ++i) out.push_back(*scored[i].second);
  return out;
}

}  // namespace chatdb::nl2sql
