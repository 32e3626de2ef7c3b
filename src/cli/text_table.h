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

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace chatdb::cli
