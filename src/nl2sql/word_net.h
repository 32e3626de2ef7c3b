#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace chatdb::nl2sql {

/// What general English says a word is, from WordNet (Debian's wordnet-base): whether a word,
/// in any inflection ("housed", "teaches", "taught"), is a noun, verb, adjective or adverb.
/// The index files are mapped from disk and searched in place (nothing is parsed up front);
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

 private:
  struct Index {
    const char* data = nullptr;
    std::size_t size = 0;
  };
  bool has_lemma(Pos pos, std::string_view lemma) const;
  std::vector<std::string> base_forms(std::string_view word, Pos pos) const;

  Index index_[4];
  std::map<std::string, std::vector<std::string>, std::less<>> exceptions_[4];  // "taught" -> {"teach"}
  bool available_ = false;
};

}  // namespace chatdb::nl2sql
