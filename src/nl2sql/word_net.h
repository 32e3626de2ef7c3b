#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace chatdb::nl2sql {

/// What general English says a word is, from WordNet (Debian's wordnet-base): whether a word,
/// in any inflection ("housed", "teaches", "taught"), is a noun, verb, adjective or adverb, and
/// the nouns of the events verbs name ("redeemed" -> redemption, "sold" -> sale).
/// The index and data files are mapped from disk and searched in place (nothing is parsed up front);
/// without them every answer is "unknown", and the parser treats words as before. Immutable
/// after construction; thread-safe.
class WordNet {
 public:
  enum class Pos { kNoun, kVerb, kAdjective, kAdverb };

  explicit WordNet(const std::string& dir);
  ~WordNet();
  WordNet(const WordNet&) = delete;
  WordNet& operator=(const WordNet&) = delete;

  /// The one of this process: CHATDB_WORDNET_DIR, else /usr/share/wordnet.
  static const WordNet& system();

  bool available() const { return available_; }
  /// Whether `word` (lower case, any inflection) is a `pos` in WordNet.
  bool is(std::string_view word, Pos pos) const;
  /// Whether `word` is an irregular form of a verb ("saw", "taught", "went").
  bool irregular_verb_form(std::string_view word) const;
  /// The base forms of an irregular verb form ("ridden" -> {"ride"}); empty for other words.
  std::vector<std::string> irregular_verb_bases(std::string_view word) const;
  /// The nouns WordNet derives from a verb in any inflection, people who do it excepted:
  /// "redeemed" -> {"redemption", ...}, "sold" -> {"sale", ...}; lower case, spaces between words.
  std::vector<std::string> event_nouns(std::string_view verb) const;

 private:
  struct Index {
    const char* data = nullptr;
    std::size_t size = 0;
  };
  bool has_lemma(Pos pos, std::string_view lemma) const { return !index_line(pos, lemma).empty(); }
  std::string_view index_line(Pos pos, std::string_view lemma) const;
  std::string_view data_line(Pos pos, std::size_t offset) const;
  std::vector<std::string> base_forms(std::string_view word, Pos pos) const;

  Index index_[4];
  Index data_[4];
  std::map<std::string, std::vector<std::string>, std::less<>> exceptions_[4];  // "taught" -> {"teach"}
  bool available_ = false;
};

}  // namespace chatdb::nl2sql
