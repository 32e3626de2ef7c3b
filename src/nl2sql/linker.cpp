#include "nl2sql/linker.h"

#include "nl2sql/place_names.h"
#include "nl2sql/text.h"
#include "nl2sql/vocabulary.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace chatdb::nl2sql {

LinkedQuestion Linker::link(const std::vector<Token>& tokens) const {
  LinkedQuestion a;
  std::size_t i = 0;
  while (i < tokens.size()) {
    const Token& t = tokens[i];
    if (t.kind == Token::Kind::kQuoted) {
      LinkedItem it;
      it.kind = LinkedItem::Kind::kValue;
      it.word = lower(t.text);
      it.raw = t.text;
      it.quoted = true;
      if (const auto* found = values_.find(t.text)) it.values = *found;
      a.items.push_back(std::move(it));
      ++i;
      continue;
    }
    if (t.kind == Token::Kind::kSymbol) {
      LinkedItem it;
      it.kind = LinkedItem::Kind::kSymbol;
      it.word = t.text;
      it.raw = t.raw;
      a.items.push_back(std::move(it));
      ++i;
      continue;
    }
    if (auto d = dates_.read(tokens, i)) {
      LinkedItem it;
      it.kind = LinkedItem::Kind::kDate;
      it.date = d->first;
      it.word = d->first.words;
      a.items.push_back(std::move(it));
      i += d->second;
      continue;
    }
    if (auto linked = longest_match(tokens, i)) {
      i += linked->second;
      a.items.push_back(std::move(linked->first));
      continue;
    }
    LinkedItem it;
    it.kind = t.kind == Token::Kind::kNumber ? LinkedItem::Kind::kNumber : LinkedItem::Kind::kWord;
    it.word = t.text;
    it.raw = t.raw;
    it.number = t.number;
    // A verb that names a table ("ordered" -> orders) or a column ("bordering" -> border).
    if (it.kind == LinkedItem::Kind::kWord && !is_stop(t.text) && !is_keyword(t.text)) {
      std::vector<std::string> stems = verb_stems(t.text);
      for (auto& base : words_.irregular_verb_bases(t.text)) stems.push_back(std::move(base));  // "ridden" -> ride
      std::vector<std::string> forms = stems;
      // "enrolled" -> enrollment, "registered" -> registration, "renewed" -> renewal.
      for (const auto& s : stems) {
        for (const char* suffix : {"ment", "ation", "ion", "al"}) forms.push_back(s + suffix);
      }
      // "redeemed" -> redemption, "sold" -> sale: the event nouns general English derives.
      for (const auto& noun : words_.event_nouns(t.text)) {
        if (noun.find(' ') == std::string::npos) forms.push_back(stem(noun));
      }
      // A table the verb names ("enrolled" -> enrollments) before a column ("enroll_yr").
      std::stable_partition(forms.begin(), forms.end(), [&](const std::string& s) {
        auto terms = lexicon_.lookup(s);
        return !terms.empty() && terms.front().is_table() && terms.front().score >= 0.9;
      });
      for (const auto& s : forms) {
        auto terms = lexicon_.lookup(s);
        if (terms.empty() || terms.front().score < 0.8) continue;
        it.kind = terms.front().is_table() ? LinkedItem::Kind::kTable : LinkedItem::Kind::kColumn;
        it.verb = true;
        for (const auto& term : terms) {
          if (term.is_table() == terms.front().is_table()) it.terms.push_back(term);
        }
        break;
      }
    }
    // "inactive", "unpaid", "non-billable": the opposite of a column's word.
    if (it.kind == LinkedItem::Kind::kWord && !is_stop(t.text) && !is_keyword(t.text)) {
      for (const char* prefix : {"non-", "non", "un", "in"}) {
        if (!t.text.starts_with(prefix) || t.text.size() < std::string_view(prefix).size() + 4) continue;
        auto terms = lexicon_.lookup(stem(t.text.substr(std::string_view(prefix).size())));
        if (terms.empty() || terms.front().is_table() || terms.front().score < 0.8) continue;
        it.kind = LinkedItem::Kind::kColumn;
        it.terms = terms;
        it.opposite = true;
        break;
      }
    }
    // "type of issue", "some kind of cover": a word that only says what follows is a sort.
    bool sort_word = (t.text == "type" || t.text == "kind" || t.text == "sort") && i + 1 < tokens.size() &&
                     tokens[i + 1].text == "of";
    if (it.kind == LinkedItem::Kind::kWord && !sort_word && !is_stop(t.text) && !is_keyword(t.text) && !superlative_of(t.text) &&
        Lexicon::dimension_of(t.text).empty() && t.text.size() > 1 &&
        !(i > 0 && tokens[i - 1].kind == Token::Kind::kNumber && is_unit(t.text))) {
      (reads_as_verb(tokens, i) ? a.verbs : a.unknown).push_back(t.text);
    }
    a.items.push_back(std::move(it));
    ++i;
  }
  return a;
}

bool Linker::reads_as_verb(const std::vector<Token>& tokens, std::size_t i) const {
  using Pos = WordNet::Pos;
  const std::string& w = tokens[i].text;
  bool verb = words_.is(w, Pos::kVerb);
  bool noun = words_.is(w, Pos::kNoun);
  bool adjective = words_.is(w, Pos::kAdjective);
  if (words_.is(w, Pos::kAdverb) && !noun && !adjective) return true;  // "automatically"
  if (!verb) return false;
  if (w.ends_with("ed") || w.ends_with("ing")) return true;  // "housed", "handed out"
  if (words_.irregular_verb_form(w)) return true;            // "saw", "went"
  if (!noun && !adjective) return true;
  // "what does each department offer": a verb after an auxiliary.
  static const std::set<std::string> kAuxiliaries = {"do", "does", "did", "will", "can", "to"};
  for (std::size_t k = 0; k < i; ++k) {
    if (kAuxiliaries.count(tokens[k].text)) return true;
  }
  return false;
}

// The initials of content words ("direct debit" -> "dd"), or "" when a word is not one.
std::string Linker::acronym(const std::vector<std::string>& words) {
  std::string initials;
  for (const auto& w : words) {
    bool letters = std::all_of(w.begin(), w.end(), [](unsigned char c) { return std::isalpha(c) != 0; });
    if (w.size() < 3 || !letters || is_stop(w) || is_keyword(w)) return "";
    initials += w.front();
  }
  return initials;
}

// "direct debit" names `dd_flg`, "priority services register" `psr_flg`: the initials of
// content words, when a column has them as a word of its name.
std::vector<Term> Linker::acronym_terms(const std::vector<std::string>& words) const {
  std::string initials = acronym(words);
  if (initials.empty() || initials == "id" || initials == "no" || initials == "nr") return {};
  std::vector<Term> out;
  for (const auto& t : lexicon_.lookup(initials)) {
    if (!t.is_table()) out.push_back(t);
  }
  return out;
}

std::optional<std::pair<LinkedItem, std::size_t>> Linker::longest_match(const std::vector<Token>& tokens, std::size_t at) const {
  std::size_t max_len = std::min<std::size_t>(values_.max_words(), tokens.size() - at);
  for (std::size_t len = max_len; len >= 1; --len) {
    std::vector<std::string> words;
    std::vector<std::string> raws;
    bool ok = true;
    for (std::size_t k = at; k < at + len; ++k) {
      const Token& t = tokens[k];
      if (t.kind == Token::Kind::kQuoted || t.kind == Token::Kind::kSymbol) ok = false;
      words.push_back(t.text);
      raws.push_back(t.raw);
    }
    if (!ok) continue;
    // A value must hold more than function words ("of the"); stored values such as "The
    // Glass Orchard" may start with one.
    bool stop_edge = len > 1 && std::all_of(words.begin(), words.end(), [](const std::string& w) { return is_stop(w); });
    std::string phrase = join(words, " ");
    bool single_keyword = len == 1 && (is_stop(phrase) || is_keyword(phrase) || superlative_of(phrase));
    bool numeric = tokens[at].kind == Token::Kind::kNumber && len == 1;

    std::vector<Term> terms;
    if (!single_keyword && !numeric) terms = lexicon_.lookup(Lexicon::stem_phrase(words));
    if (terms.empty() && len >= 2 && len <= 4) terms = acronym_terms(words);
    std::vector<ValueMatch> found;
    if (!single_keyword && !numeric && !stop_edge && phrase.size() > 1) {
      if (const auto* v = values_.find(phrase)) found = *v;
      // "Germany" stored as 'DE', "Texas" as 'TX', "the US" as 'United States'; "professors"
      // stored as 'Professor'; "graduate-level" as 'Graduate'.
      std::vector<std::string> others = found.empty() && len <= 3 ? other_place_names(phrase) : std::vector<std::string>{};
      // "customer success managers" stored as 'CSM': only a value stored in capitals is an
      // acronym ("best american restaurant" is not the food type 'bar'); two words are too
      // easily initials of a code by chance ("hotel rooms", 'HR').
      if (found.empty() && terms.empty() && len >= 3 && len <= 4) {
        if (auto initials = acronym(words); !initials.empty()) {
          if (const auto* v = values_.find(initials)) {
            for (const auto& match : *v) {
              bool capitals = std::none_of(match.value.begin(), match.value.end(),
                                           [](unsigned char c) { return std::islower(c) != 0; });
              if (capitals) found.push_back(match);
            }
          }
        }
      }
      if (found.empty() && len == 1) {
        others.push_back(stem(phrase));
        if (auto dash = phrase.find('-'); dash != std::string::npos && dash > 2) others.push_back(phrase.substr(0, dash));
      }
      for (const auto& other : others) {
        if (other == phrase) continue;
        if (const auto* v = values_.find(other)) {
          found = *v;
          break;
        }
      }
    }
    if (terms.empty() && found.empty()) continue;
    LinkedItem it;
    it.word = phrase;
    it.raw = join(raws, " ");
    // A single word that exactly names a table or column is read as that name; a longer
    // phrase, or a weaker name match, is read as the stored value.
    bool prefer_term = !terms.empty() && (found.empty() || (len == 1 && terms.front().score >= 0.9));
    if (prefer_term) {
      it.kind = terms.front().is_table() ? LinkedItem::Kind::kTable : LinkedItem::Kind::kColumn;
      // Keep the candidates of the best kind only: tables or columns.
      for (const auto& t : terms) {
        if (t.is_table() == terms.front().is_table()) it.terms.push_back(t);
      }
    } else {
      // "the ohio river": a name followed by the table it names a row of, even when the
      // whole phrase is stored somewhere else too.
      if (len >= 2) {
        std::vector<std::string> head(words.begin(), words.end() - 1);
        auto tail = lexicon_.lookup(stem(words.back()));
        const auto* named = values_.find(join(head, " "));
        if (!tail.empty() && tail.front().is_table() && named != nullptr) {
          for (const auto& v : *named) {
            if (v.table != tail.front().table) continue;
            LinkedItem shorter;
            shorter.kind = LinkedItem::Kind::kValue;
            shorter.word = join(head, " ");
            shorter.raw = join(std::vector<std::string>(raws.begin(), raws.end() - 1), " ");
            shorter.values = *named;
            return std::pair{std::move(shorter), len - 1};
          }
        }
      }
      it.kind = LinkedItem::Kind::kValue;
      it.values = std::move(found);
    }
    return std::pair{std::move(it), len};
  }
  return std::nullopt;
}

}  // namespace chatdb::nl2sql
