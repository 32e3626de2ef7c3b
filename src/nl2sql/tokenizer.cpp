#include "nl2sql/tokenizer.h"

#include "nl2sql/text.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <sstream>

namespace chatdb::nl2sql {
namespace {

bool word_char(unsigned char c) { return std::isalnum(c) || c == '_' || c >= 0x80; }

const std::map<std::string, double>& number_words() {
  static const std::map<std::string, double> kWords = {
      {"one", 1}, {"two", 2}, {"three", 3}, {"four", 4}, {"five", 5}, {"six", 6}, {"seven", 7},
      {"eight", 8}, {"nine", 9}, {"ten", 10}, {"eleven", 11}, {"twelve", 12}, {"fifteen", 15},
      {"twenty", 20}, {"fifty", 50}, {"hundred", 100}, {"thousand", 1000}, {"dozen", 12}};
  return kWords;
}

// A closing quote counts only when a non-word character (or the end) follows it.
std::size_t closing_quote(std::string_view q, std::size_t open, std::string_view close) {
  for (std::size_t k = open; k < q.size(); ++k) {
    if (q.substr(k, close.size()) != close) continue;
    std::size_t after = k + close.size();
    if (after >= q.size() || !word_char(static_cast<unsigned char>(q[after]))) return k;
  }
  return std::string_view::npos;
}

}  // namespace

std::vector<Token> Tokenizer::tokenize(std::string_view q) {
  std::vector<Token> out;
  std::size_t i = 0;
  auto starts_token = [&](std::size_t at) { return at == 0 || !word_char(static_cast<unsigned char>(q[at - 1])); };
  while (i < q.size()) {
    unsigned char c = static_cast<unsigned char>(q[i]);
    // Quoted literals: '...', "..." and the typographic “...”.
    std::string_view open, close;
    if ((c == '\'' || c == '"') && starts_token(i)) open = close = q.substr(i, 1);
    if (q.substr(i, 3) == "\xE2\x80\x9C") open = "\xE2\x80\x9C", close = "\xE2\x80\x9D";
    if (!open.empty()) {
      std::size_t end = closing_quote(q, i + open.size(), close);
      if (end != std::string_view::npos && end > i + open.size()) {
        std::string text(q.substr(i + open.size(), end - i - open.size()));
        out.push_back({Token::Kind::kQuoted, text, text, 0});
        i = end + close.size();
        continue;
      }
      i += open.size();
      continue;
    }
    if (c == '>' || c == '<' || c == '=' || c == '!') {
      std::string sym(1, static_cast<char>(c));
      if (i + 1 < q.size() && (q[i + 1] == '=' || (c == '<' && q[i + 1] == '>'))) sym += q[i + 1];
      if (sym != "!") out.push_back({Token::Kind::kSymbol, sym, sym, 0});
      i += sym.size();
      continue;
    }
    bool currency = (c == '$' || q.substr(i, 2) == "\xC2\xA3" || q.substr(i, 3) == "\xE2\x82\xAC");
    std::size_t digits_at = c == '$' ? i + 1 : q.substr(i, 2) == "\xC2\xA3" ? i + 2 : currency ? i + 3 : i;
    if (digits_at < q.size() && std::isdigit(static_cast<unsigned char>(q[digits_at])) && (currency || starts_token(i))) {
      // A number, "1,200" and "35.50" included; a date such as 2024-03-01 stays one token.
      std::size_t j = digits_at;
      std::string digits;
      while (j < q.size()) {
        char d = q[j];
        bool inner = (d == ',' || d == '.' || d == '-' || d == '/' || d == ':') && j + 1 < q.size() &&
                     std::isdigit(static_cast<unsigned char>(q[j + 1]));
        if (std::isdigit(static_cast<unsigned char>(d)) || inner) {
          if (d != ',') digits += d;
          ++j;
        } else {
          break;
        }
      }
      // "3rd", "1st": ordinal suffixes belong to the number.
      std::size_t k = j;
      while (k < q.size() && std::isalpha(static_cast<unsigned char>(q[k]))) ++k;
      std::string suffix = lower(q.substr(j, k - j));
      if (suffix == "st" || suffix == "nd" || suffix == "rd" || suffix == "th") j = k;
      if (j < q.size() && word_char(static_cast<unsigned char>(q[j]))) {
        // Digits glued to letters ("route66", "3d") are a word.
        while (j < q.size() && word_char(static_cast<unsigned char>(q[j]))) ++j;
        std::string raw(q.substr(i, j - i));
        out.push_back({Token::Kind::kWord, lower(raw), raw, 0});
        i = j;
        continue;
      }
      Token t{Token::Kind::kNumber, digits, std::string(q.substr(i, j - i)), 0};
      bool plain = digits.find_first_of("-/:") == std::string::npos &&
                   std::count(digits.begin(), digits.end(), '.') <= 1;
      if (plain) t.number = std::stod(digits);
      else t.kind = Token::Kind::kWord;  // dates and times: recognised by the date reader
      out.push_back(t);
      i = j;
      continue;
    }
    if (word_char(c)) {
      std::size_t j = i;
      while (j < q.size()) {
        unsigned char d = static_cast<unsigned char>(q[j]);
        bool inner = (d == '\'' || d == '-' || d == '&' || d == '.') && j + 1 < q.size() && j > i &&
                     word_char(static_cast<unsigned char>(q[j + 1])) && std::isalpha(static_cast<unsigned char>(q[j - 1]));
        if (word_char(d) || inner) ++j;
        else break;
      }
      std::string raw(q.substr(i, j - i));
      std::string text = lower(raw);
      i = j;
      if (text.ends_with("'s")) {
        text.resize(text.size() - 2);
        raw.resize(raw.size() - 2);
      }
      // "we've", "they're", "we'll": the pronoun and its verb.
      if (auto apostrophe = text.rfind('\''); apostrophe != std::string::npos && apostrophe + 1 < text.size() &&
                                               !text.ends_with("n't")) {
        static const std::map<std::string, std::string> kVerbs = {{"ve", "have"}, {"re", "are"}, {"ll", "will"}, {"d", "would"}, {"m", "am"}};
        if (auto verb = kVerbs.find(text.substr(apostrophe + 1)); verb != kVerbs.end()) {
          std::string head = text.substr(0, apostrophe);
          out.push_back({Token::Kind::kWord, head, head, 0});
          out.push_back({Token::Kind::kWord, verb->second, verb->second, 0});
          continue;
        }
      }
      if (text.ends_with("n't")) {
        std::string head = text.substr(0, text.size() - 3);
        if (head == "wo") head = "will";
        if (head == "ca") head = "can";
        out.push_back({Token::Kind::kWord, head, head, 0});
        out.push_back({Token::Kind::kWord, "not", "not", 0});
        continue;
      }
      if (auto it = number_words().find(text); it != number_words().end()) {
        out.push_back({Token::Kind::kNumber, std::to_string(static_cast<long long>(it->second)), raw, it->second});
        continue;
      }
      // "3 million", "$2.5 thousand": the number scaled.
      static const std::map<std::string, double> kScales = {{"thousand", 1e3}, {"million", 1e6}, {"billion", 1e9}};
      if (auto scale = kScales.find(text); scale != kScales.end() && !out.empty() && out.back().kind == Token::Kind::kNumber) {
        Token& number = out.back();
        number.number *= scale->second;
        std::ostringstream digits;
        digits.precision(15);
        digits << number.number;
        number.text = digits.str();
        number.raw += " " + raw;
        continue;
      }
      out.push_back({Token::Kind::kWord, text, raw, 0});
      continue;
    }
    // A comma separates list items ("books, toys and games"); other punctuation only words.
    if (c == ',') out.push_back({Token::Kind::kSymbol, ",", ",", 0});
    ++i;
  }
  return out;
}

}  // namespace chatdb::nl2sql
