#include "nl2sql/vocabulary.h"

#include <map>
#include <set>

namespace chatdb::nl2sql {
namespace {

const std::set<std::string>& stop_words() {
  static const std::set<std::string> kStop = {
      "a", "an", "the", "of", "in", "on", "at", "to", "for", "by", "with", "from", "and", "or", "is", "are",
      "was", "were", "be", "been", "being", "what", "which", "who", "whom", "whose", "where", "when", "how",
      "list", "show", "give", "me", "find", "get", "all", "any", "some", "each", "every", "per", "this", "that",
      "these", "those", "it", "its", "their", "there", "do", "does", "did", "have", "has", "had", "i", "we",
      "you", "they", "my", "our", "your", "please", "tell", "display", "return", "name", "names", "many",
      "much", "number", "count", "than", "as", "into", "within", "can", "could", "would", "should", "will",
      "shall", "may", "might", "must", "about", "also", "us", "them", "one", "ones", "here", "up", "out",
      "made", "make", "like", "such", "other", "only", "just", "so", "if", "then", "both", "either", "neither",
      "s", "etc", "known", "listed", "recorded", "stored", "exist", "exists", "existing", "available",
      "current", "currently", "overall", "altogether", "respectively", "along", "together", "let", "see",
      "want", "know", "need", "him", "her", "his", "she", "he", "belong", "belongs", "located", "situated",
      "live", "lives", "living", "placed", "place", "having", "contain", "contains", "containing", "include",
      "includes", "including", "whole", "entire", "everything", "anything", "something", "thing", "things",
      "record", "records", "row", "rows", "entry", "entries", "data", "information", "info", "details",
      "detail", "value", "values", "got", "go", "come", "came", "via", "through", "under", "over", "above",
      "below", "across", "ever", "always", "yet", "still", "already", "again", "become", "becomes", "found",
      "what's", "whats", "where's", "who's", "t", "d", "ll", "named", "called", "am", "would", "our", "ours",
      "right", "now", "today", "actually", "really", "very", "still", "yet", "ever", "anyone", "anybody",
      "someone", "somebody", "everyone", "everybody", "presently", "far"};
  return kStop;
}

}  // namespace

bool is_stop(const std::string& w) { return stop_words().count(w) > 0; }

bool is_negation(const std::string& w) {
  static const std::set<std::string> k = {"not", "except", "excluding", "exclude", "excludes", "besides",
                                          "non", "outside", "but", "neither", "nor", "isnt", "arent"};
  return k.count(w) > 0;
}

bool is_absence(const std::string& w) {
  static const std::set<std::string> k = {"never", "no", "without", "none", "zero", "lacking", "lack", "lacks",
                                          "nobody", "noone", "nothing"};
  return k.count(w) > 0;
}

bool is_unit(const std::string& w) {
  static const std::set<std::string> k = {"mg", "g", "kg", "kgs", "lb", "lbs", "ml", "l", "km", "mi", "miles", "m", "cm",
                                          "mm", "usd", "eur", "gbp", "dollars", "dollar", "euros", "euro", "pounds",
                                          "percent", "pct", "%", "k", "kb", "mb", "gb", "tb", "kwh", "x"};
  return k.count(w) > 0;
}

bool is_grouping(const std::string& w) {
  static const std::set<std::string> k = {"per", "by", "each", "every"};
  return k.count(w) > 0;
}

bool is_location_preposition(const std::string& w) {
  static const std::set<std::string> k = {"in", "from", "at", "near", "within", "inside", "on", "across", "through"};
  return k.count(w) > 0;
}

std::optional<Superlative> superlative_of(const std::string& w) {
  static const std::map<std::string, Superlative> k = {
      {"most", {"", true}}, {"least", {"", false}}, {"fewest", {"", false}}, {"top", {"", true}},
      {"bottom", {"", false}}, {"maximum", {"", true}}, {"minimum", {"", false}}, {"max", {"", true}},
      {"min", {"", false}}, {"highest", {"high", true}}, {"lowest", {"low", false}}, {"largest", {"large", true}},
      {"biggest", {"big", true}}, {"greatest", {"large", true}}, {"smallest", {"small", false}},
      {"tiniest", {"small", false}}, {"cheapest", {"cheap", false}}, {"priciest", {"expensive", true}},
      {"longest", {"long", true}}, {"shortest", {"short", false}}, {"tallest", {"tall", true}},
      {"heaviest", {"heavy", true}}, {"lightest", {"heavy", false}}, {"fastest", {"fast", true}},
      {"slowest", {"fast", false}}, {"richest", {"rich", true}}, {"poorest", {"rich", false}},
      {"best", {"good", true}}, {"worst", {"good", false}}, {"deepest", {"deep", true}},
      {"shallowest", {"deep", false}}, {"densest", {"dense", true}}, {"oldest", {"old", true}},
      {"youngest", {"old", false}}, {"newest", {"new", true}}, {"latest", {"new", true}},
      {"earliest", {"new", false}}, {"first", {"new", false}}, {"last", {"new", true}},
      {"recent", {"new", true}}, {"popular", {"popular", true}}};
  auto it = k.find(w);
  if (it == k.end()) return std::nullopt;
  return it->second;
}

bool is_keyword(const std::string& w) {
  static const std::set<std::string> k = {
      "how", "many", "number", "count", "total", "sum", "average", "avg", "mean", "maximum", "minimum", "max",
      "min", "most", "least", "fewest", "top", "bottom", "more", "less", "fewer", "greater", "larger", "bigger",
      "higher", "lower", "smaller", "over", "under", "above", "below", "between", "exceeding", "exceed",
      "exceeds", "least", "not", "no", "never", "without", "except", "excluding", "distinct", "different",
      "unique", "missing", "unknown", "empty", "null", "blank", "per", "each", "every", "by", "before", "after",
      "since", "until", "during", "first", "last", "than", "equal", "equals", "exactly", "much", "sorted",
      "ascending", "descending", "highest", "lowest", "largest", "smallest", "biggest", "nobody", "noone",
      "nothing", "yearly", "monthly", "annually", "later",
      "earlier", "sooner", "newer", "older"};
  return k.count(w) > 0;
}

}  // namespace chatdb::nl2sql
