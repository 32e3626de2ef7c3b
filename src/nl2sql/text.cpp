#include "nl2sql/text.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <numeric>
#include <set>

namespace chatdb::nl2sql {

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

namespace {

// Abbreviations that database columns commonly use, as the words they stand for.
const std::map<std::string, std::vector<std::string>, std::less<>>& abbreviations() {
  static const std::map<std::string, std::vector<std::string>, std::less<>> k = {
      {"nm", {"name"}}, {"dt", {"date"}}, {"amt", {"amount"}}, {"qty", {"quantity"}}, {"wt", {"weight"}},
      {"num", {"number"}}, {"nbr", {"number"}}, {"desc", {"description"}}, {"descr", {"description"}},
      {"addr", {"address"}}, {"cust", {"customer"}}, {"emp", {"employee"}}, {"empl", {"employee"}},
      {"dept", {"department"}}, {"mgr", {"manager"}}, {"cnt", {"count"}}, {"yr", {"year"}}, {"tel", {"telephone"}},
      {"cat", {"category"}}, {"loc", {"location"}}, {"org", {"organization"}}, {"acct", {"account"}},
      {"txn", {"transaction"}}, {"inv", {"invoice"}}, {"prod", {"product"}}, {"svc", {"service"}},
      {"sal", {"salary"}}, {"fname", {"first", "name"}}, {"lname", {"last", "name"}}, {"qtr", {"quarter"}},
      {"ctry", {"country"}}, {"avg", {"average"}}, {"tot", {"total"}}, {"bal", {"balance"}}, {"cd", {"code"}},
      {"lvl", {"level"}}, {"cap", {"capacity"}}, {"dur", {"duration"}}, {"dist", {"distance"}},
      {"temp", {"temperature"}}, {"veh", {"vehicle"}}, {"whse", {"warehouse"}}, {"proj", {"project"}},
      {"ts", {"timestamp"}}, {"src", {"source"}}, {"dest", {"destination"}}, {"orig", {"origin"}},
      {"sz", {"size"}}, {"ht", {"height"}}, {"len", {"length"}}, {"vol", {"volume"}}, {"rev", {"revenue"}},
      {"mfr", {"manufacturer"}}, {"supp", {"supplier"}}, {"sched", {"schedule"}}, {"maint", {"maintenance"}},
      {"prio", {"priority"}}, {"usr", {"user"}}, {"msg", {"message"}}, {"feat", {"feature"}}, {"pts", {"points"}}, {"mo", {"month"}}, {"intl", {"international"}}, {"bday", {"birthday"}},
      {"hrs", {"hours"}}, {"mins", {"minutes"}}, {"secs", {"seconds"}}, {"pct", {"percent"}}, {"perc", {"percent"}},
      {"stat", {"status"}}, {"sts", {"status"}}, {"ref", {"reference"}}, {"dob", {"birth", "date"}},
      {"chg", {"charge"}}, {"prop", {"property"}}, {"flg", {"flag"}}, {"pmt", {"payment"}}, {"mbr", {"member"}},
      {"chk", {"check"}}, {"grp", {"group"}}, {"stn", {"station"}}, {"cnty", {"county"}}, {"resv", {"reservation"}}};
  return k;
}

// Units after a measure ("wt_kg", "amt_usd", "duration_hrs"): the measure is what is named.
bool unit_suffix(std::string_view w) {
  static const std::set<std::string, std::less<>> k = {"kg", "kgs", "lb", "lbs", "km", "usd", "eur", "gbp", "pct",
                                                       "hrs", "mins", "secs", "sec", "ms", "cm", "mm", "kwh", "perc", "mg", "ml",
                                                       "kb", "mb", "gb", "cad", "aud", "chf", "jpy", "p", "pence", "cents"};
  return k.count(w) > 0;
}

}  // namespace

std::vector<std::string> split_identifier(std::string_view name) {
  std::vector<std::string> raw = split_words(name);
  std::vector<std::string> words;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (i > 0 && i + 1 == raw.size() && unit_suffix(raw[i])) continue;
    auto it = abbreviations().find(raw[i]);
    if (it == abbreviations().end()) words.push_back(raw[i]);
    else words.insert(words.end(), it->second.begin(), it->second.end());
  }
  return words;
}

std::vector<std::string> split_words(std::string_view name) {
  std::vector<std::string> words;
  std::string current;
  auto flush = [&] {
    if (!current.empty()) words.push_back(lower(current));
    current.clear();
  };
  for (std::size_t i = 0; i < name.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(name[i]);
    if (c == '_' || c == '-' || c == ' ' || c == '.') {
      flush();
      continue;
    }
    bool upper = std::isupper(c) != 0;
    bool digit = std::isdigit(c) != 0;
    if (!current.empty()) {
      unsigned char prev = static_cast<unsigned char>(current.back());
      bool prev_lower = std::islower(prev) != 0;
      bool prev_digit = std::isdigit(prev) != 0;
      bool next_lower = i + 1 < name.size() && std::islower(static_cast<unsigned char>(name[i + 1]));
      // "orderItems" splits before 'I'; "HTTPServer" splits before the 'S' that starts "Server".
      if (upper && (prev_lower || prev_digit || (std::isupper(prev) && next_lower))) flush();
      if (digit != prev_digit) flush();
    }
    current.push_back(static_cast<char>(c));
  }
  flush();
  return words;
}

std::string stem(std::string_view word_view) {
  static const std::map<std::string, std::string, std::less<>> kIrregular = {
      {"people", "person"}, {"children", "child"}, {"men", "man"},   {"women", "woman"},
      {"mice", "mouse"},    {"feet", "foot"},      {"teeth", "tooth"}, {"geese", "goose"},
      {"data", "data"},     {"news", "news"},      {"series", "series"}, {"species", "species"},
      {"status", "status"}, {"address", "address"}, {"analysis", "analysis"}, {"bus", "bus"},
      {"gas", "gas"},       {"lens", "lens"},      {"indices", "index"}, {"matrices", "matrix"},
      {"criteria", "criterion"}, {"statuses", "status"}, {"addresses", "address"},
      {"buses", "bus"},     {"leaves", "leaf"},    {"wives", "wife"}, {"lives", "life"},
      {"knives", "knife"},  {"shelves", "shelf"},  {"halves", "half"}, {"this", "this"},
      {"is", "is"},         {"was", "was"},        {"has", "has"},   {"does", "does"},
      {"us", "us"},         {"its", "its"},        {"his", "his"},   {"less", "less"},
      {"yes", "yes"},       {"plus", "plus"},      {"always", "always"}, {"sometimes", "sometimes"},
      {"across", "across"}, {"perhaps", "perhaps"}, {"whereas", "whereas"}, {"besides", "besides"},
      // Irregular past forms, as their verbs: "taught_by" is about teaching, "sold" about selling.
      {"taught", "teach"}, {"sold", "sell"}, {"bought", "buy"}, {"paid", "pay"}, {"sent", "send"},
      {"spent", "spend"}, {"built", "build"}, {"made", "make"}, {"held", "hold"}, {"led", "lead"},
      {"won", "win"}, {"lost", "lose"}, {"brought", "bring"}, {"caught", "catch"}, {"kept", "keep"},
      {"left", "leave"}, {"met", "meet"}, {"ran", "run"}, {"wrote", "write"}, {"written", "write"},
      {"given", "give"}, {"gave", "give"}, {"taken", "take"}, {"took", "take"}, {"chosen", "choose"},
      {"drove", "drive"}, {"driven", "drive"}, {"flew", "fly"}, {"flown", "fly"}, {"grew", "grow"},
      {"grown", "grow"}, {"began", "begin"}, {"begun", "begin"}, {"issued", "issue"}, {"owed", "owe"}};
  std::string w = lower(word_view);
  if (auto it = kIrregular.find(w); it != kIrregular.end()) return it->second;
  auto ends = [&](std::string_view s) { return w.size() > s.size() + 1 && w.ends_with(s); };
  if (ends("ies")) return w.substr(0, w.size() - 3) + "y";
  if (ends("sses") || ends("xes") || ends("ches") || ends("shes") || ends("zzes")) return w.substr(0, w.size() - 2);
  if (ends("ss") || ends("us") || ends("is") || ends("ous")) return w;
  if (ends("s") && w.size() > 3) return w.substr(0, w.size() - 1);
  return w;
}

std::vector<std::string> verb_stems(std::string_view word_view) {
  std::string w = lower(word_view);
  std::vector<std::string> out;
  auto add = [&](std::string s) {
    if (s.size() >= 3 && std::find(out.begin(), out.end(), s) == out.end()) out.push_back(std::move(s));
  };
  auto undouble = [&](std::string s) {
    // "shipped" -> "shipp" -> "ship"
    if (s.size() >= 2 && s[s.size() - 1] == s[s.size() - 2] && s.back() != 's' && s.back() != 'l') s.pop_back();
    return s;
  };
  if (w.ends_with("ied")) add(w.substr(0, w.size() - 3) + "y");
  if (w.ends_with("ed")) {
    add(w.substr(0, w.size() - 2));
    add(undouble(w.substr(0, w.size() - 2)));
    add(w.substr(0, w.size() - 1));  // "placed" -> "place"
  }
  if (w.ends_with("ing")) {
    add(w.substr(0, w.size() - 3));
    add(undouble(w.substr(0, w.size() - 3)));
    add(w.substr(0, w.size() - 3) + "e");
  }
  if (w.ends_with("s")) add(stem(w));
  return out;
}

int edit_distance(std::string_view a, std::string_view b) {
  std::vector<int> row(b.size() + 1);
  std::iota(row.begin(), row.end(), 0);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    int diagonal = row[0];
    row[0] = static_cast<int>(i);
    for (std::size_t j = 1; j <= b.size(); ++j) {
      int up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

std::string quote_identifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += "\"\"";
    else if (c != '\0') out += c;
  }
  return out + "\"";
}

std::string quote_literal(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += "''";
    else if (c != '\0') out += c;
  }
  return out + "'";
}

std::string valid_utf8(std::string text) {
  std::size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool ok = len > 0 && i + len <= text.size();
    for (std::size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(text[i + k]) >> 6) == 0x2;
    if (!ok) {
      text[i] = '?';
      len = 1;
    }
    i += len;
  }
  return text;
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += separator;
    out += parts[i];
  }
  return out;
}

}  // namespace chatdb::nl2sql
