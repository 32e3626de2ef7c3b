#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace chatdb::nl2sql {

struct Token {
  enum class Kind { kWord, kNumber, kQuoted, kSymbol };
  Kind kind = Kind::kWord;
  std::string text;  // lower case (quoted text: as written)
  std::string raw;   // as written
  double number = 0;
};

/// Splits a question into words, numbers ("1,200", "$35.50", "three"), quoted strings
/// ('Acme' or "Acme") and comparison symbols (>, >=, <, <=, =, !=). Possessive "'s" is
/// dropped and "n't" becomes the word "not". Any byte >= 0x80 is part of a word, so UTF-8
/// text passes through intact. Stateless; thread-safe.
class Tokenizer {
 public:
  static std::vector<Token> tokenize(std::string_view question);
};

}  // namespace chatdb::nl2sql
