#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace chatdb::cli {

/// Rows of text printed as aligned columns under a header, for terminals.
class TextTable {
 public:
  explicit TextTable(std::vector<std::string> header);
  void add(std::vector<std::string> row);
  void print(std::FILE* out = stdout) const;

  /// Characters (UTF-8 code points), not bytes: what a terminal shows.
  static std::size_t width(const std::string& text);
  /// `text` cut to at most `max` characters, ending in "..." when cut; never splits a character.
  static std::string cut(const std::string& text, std::size_t max);

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace chatdb::cli
