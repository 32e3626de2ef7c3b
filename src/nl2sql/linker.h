#pragma once

#include "nl2sql/date_reader.h"
#include "nl2sql/lexicon.h"
#include "nl2sql/linked_question.h"
#include "nl2sql/schema.h"
#include "nl2sql/tokenizer.h"
#include "nl2sql/value_index.h"
#include "nl2sql/word_net.h"

#include <cstddef>
#include <optional>
#include <utility>
#include <vector>

namespace chatdb::nl2sql {

/// Links the tokens of a question to what they name: dates first, then the longest phrases
/// that are stored values or names of tables and columns (a single word that exactly names a
/// table or column is read as that name; a longer phrase as a value), then verbs that name a
/// table or column ("ordered", "bordering"). Words that link to nothing are reported. Holds
/// references only; thread-safe.
class Linker {
 public:
  Linker(const ValueIndex& values, const Lexicon& lexicon, const DateReader& dates, const WordNet& words)
      : values_(values), lexicon_(lexicon), dates_(dates), words_(words) {}

  LinkedQuestion link(const std::vector<Token>& tokens) const;

 private:
  std::optional<std::pair<LinkedItem, std::size_t>> longest_match(const std::vector<Token>& tokens, std::size_t at) const;
  bool reads_as_verb(const std::vector<Token>& tokens, std::size_t i) const;
  std::vector<Term> acronym_terms(const std::vector<std::string>& words) const;
  static std::string acronym(const std::vector<std::string>& words);

  const ValueIndex& values_;
  const Lexicon& lexicon_;
  const DateReader& dates_;
  const WordNet& words_;
};

}  // namespace chatdb::nl2sql
