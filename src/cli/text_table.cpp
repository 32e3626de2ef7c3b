#include "cli/text_table.h"

#include <algorithm>

namespace chatdb::cli {

std::size_t TextTable::width(const std::string& text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

std::string TextTable::cut(const std::string& text, std::size_t max) {
  if (width(text) <= max) return text;
  std::size_t keep = max > 3 ? max - 3 : 0, seen = 0, end = 0;
  for (; end < text.size(); ++end) {
    bool starts_character = (text[end] & 0xC0) != 0x80;
    if (starts_character && seen++ == keep) break;
  }
  return text.substr(0, end) + "...";
}

TextTable::TextTable(std::vector<std::string> header) : header_(std::move(header)) {}

void TextTable::add(std::vector<std::string> row) {
  row.resize(header_.size());
  rows_.push_back(std::move(row));
}

void TextTable::print(std::FILE* out) const {
  std::vector<std::size_t> widths;
  for (const auto& h : header_) widths.push_back(width(h));
  for (const auto& row : rows_) {
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], width(row[i]));
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string text;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      text += cells[i];
      if (i + 1 < cells.size()) text += std::string(widths[i] - width(cells[i]) + 2, ' ');
    }
    std::fprintf(out, "%s\n", text.c_str());
  };
  line(header_);
  std::vector<std::string> rule;
  for (auto w : widths) rule.emplace_back(w, '-');
  line(rule);
  for (const auto& row : rows_) line(row);
}

}  // namespace chatdb::cli
