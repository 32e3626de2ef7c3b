#include "nl2sql/word_net.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace chatdb::nl2sql {
namespace {

constexpr const char* kNames[4] = {"noun", "verb", "adj", "adv"};

// The detachment rules of WordNet's morphy: suffix -> ending of the base form.
const std::vector<std::pair<std::string, std::string>>& suffixes(WordNet::Pos pos) {
  static const std::vector<std::pair<std::string, std::string>> kNoun = {
      {"s", ""}, {"ses", "s"}, {"xes", "x"}, {"zes", "z"}, {"ches", "ch"}, {"shes", "sh"}, {"men", "man"}, {"ies", "y"}};
  static const std::vector<std::pair<std::string, std::string>> kVerb = {
      {"s", ""}, {"ies", "y"}, {"es", "e"}, {"es", ""}, {"ed", "e"}, {"ed", ""}, {"ing", "e"}, {"ing", ""}};
  static const std::vector<std::pair<std::string, std::string>> kAdjective = {{"er", ""}, {"est", ""}, {"er", "e"}, {"est", "e"}};
  static const std::vector<std::pair<std::string, std::string>> kNone;
  switch (pos) {
    case WordNet::Pos::kNoun: return kNoun;
    case WordNet::Pos::kVerb: return kVerb;
    case WordNet::Pos::kAdjective: return kAdjective;
    case WordNet::Pos::kAdverb: return kNone;
  }
  return kNone;
}

// The whole file, mapped read-only; {nullptr, 0} when it cannot be.
std::pair<const char*, std::size_t> map_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat st {};
  if (fd < 0 || ::fstat(fd, &st) != 0 || st.st_size <= 0) {
    if (fd >= 0) ::close(fd);
    return {nullptr, 0};
  }
  void* mapped = ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (mapped == MAP_FAILED) return {nullptr, 0};
  return {static_cast<const char*>(mapped), static_cast<std::size_t>(st.st_size)};
}

// The next blank-separated field of `line` from `at`, which moves past it.
std::string_view field(std::string_view line, std::size_t& at) {
  while (at < line.size() && line[at] == ' ') ++at;
  std::size_t start = at;
  while (at < line.size() && line[at] != ' ') ++at;
  return line.substr(start, at - start);
}

std::size_t number(std::string_view s, int base) {
  std::size_t n = 0;
  for (char c : s) {
    int d = std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : (std::tolower(static_cast<unsigned char>(c)) - 'a' + 10);
    if (d < 0 || d >= base) return 0;
    n = n * static_cast<std::size_t>(base) + static_cast<std::size_t>(d);
  }
  return n;
}

}  // namespace

WordNet::WordNet(const std::string& dir) {
  bool all = true;
  for (int p = 0; p < 4; ++p) {
    auto [data, size] = map_file(dir + "/index." + kNames[p]);
    if (data == nullptr) {
      all = false;
      continue;
    }
    index_[p] = {data, size};
    auto [synsets, synsets_size] = map_file(dir + "/data." + kNames[p]);
    data_[p] = {synsets, synsets_size};
    std::ifstream exc(dir + "/" + kNames[p] + ".exc");
    std::string line;
    while (std::getline(exc, line)) {
      std::istringstream words(line);
      std::string inflected, base;
      words >> inflected;
      while (words >> base) exceptions_[p][inflected].push_back(base);
    }
  }
  available_ = all;
}

WordNet::~WordNet() {
  for (auto* files : {index_, data_}) {
    for (int p = 0; p < 4; ++p) {
      if (files[p].data != nullptr) ::munmap(const_cast<char*>(files[p].data), files[p].size);
    }
  }
}

const WordNet& WordNet::system() {
  static const WordNet instance([] {
    const char* dir = std::getenv("CHATDB_WORDNET_DIR");
    return std::string(dir != nullptr && *dir != '\0' ? dir : "/usr/share/wordnet");
  }());
  return instance;
}

std::string_view WordNet::index_line(Pos pos, std::string_view lemma) const {
  const Index& index = index_[static_cast<int>(pos)];
  if (index.data == nullptr || lemma.empty()) return {};
  std::string_view text(index.data, index.size);
  // Binary search over lines sorted by their first field; license lines start with a blank.
  std::size_t lo = 0;
  std::size_t hi = text.size();
  while (lo < hi) {
    std::size_t mid = lo + (hi - lo) / 2;
    std::size_t start = mid == 0 ? 0 : text.rfind('\n', mid - 1);
    start = start == std::string_view::npos || mid == 0 ? 0 : start + 1;
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (line.empty() || line.front() == ' ') {
      lo = end + 1;
      continue;
    }
    std::string_view key = line.substr(0, line.find(' '));
    if (key == lemma) return line;
    if (key < lemma) lo = end + 1;
    else hi = start;
  }
  return {};
}

std::string_view WordNet::data_line(Pos pos, std::size_t offset) const {
  const Index& data = data_[static_cast<int>(pos)];
  if (data.data == nullptr || offset >= data.size || (offset > 0 && data.data[offset - 1] != '\n')) return {};
  std::string_view text(data.data + offset, data.size - offset);
  return text.substr(0, text.find('\n'));
}

std::vector<std::string> WordNet::event_nouns(std::string_view verb) const {
  std::vector<std::string> out;
  for (const auto& base : base_forms(verb, Pos::kVerb)) {
    std::string_view entry = index_line(Pos::kVerb, base);
    if (entry.empty()) continue;
    // index: lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt offset...
    std::size_t at = 0;
    field(entry, at);
    field(entry, at);
    std::size_t synsets = number(field(entry, at), 10);
    std::size_t pointers = number(field(entry, at), 10);
    for (std::size_t k = 0; k < pointers; ++k) field(entry, at);
    field(entry, at);
    field(entry, at);
    for (std::size_t s = 0; s < synsets && s < 16; ++s) {
      std::string_view synset = data_line(Pos::kVerb, number(field(entry, at), 10));
      // data: offset lex_filenum ss_type w_cnt(hex) [word lex_id]... p_cnt [symbol offset pos source/target]...
      std::size_t d = 0;
      field(synset, d);
      field(synset, d);
      field(synset, d);
      std::size_t words = number(field(synset, d), 16);
      std::size_t mine = 0;
      for (std::size_t w = 1; w <= words; ++w) {
        if (field(synset, d) == base) mine = w;
        field(synset, d);
      }
      std::size_t links = number(field(synset, d), 10);
      for (std::size_t k = 0; k < links; ++k) {
        std::string_view symbol = field(synset, d);
        std::size_t target = number(field(synset, d), 10);
        std::string_view target_pos = field(synset, d);
        std::string_view source_target = field(synset, d);
        if (symbol != "+" || target_pos != "n" || source_target.size() != 4) continue;
        if (number(source_target.substr(0, 2), 16) != mine) continue;
        std::string_view noun_synset = data_line(Pos::kNoun, target);
        std::size_t n = 0;
        field(noun_synset, n);
        field(noun_synset, n);
        field(noun_synset, n);
        std::size_t nouns = number(field(noun_synset, n), 16);
        std::size_t wanted = number(source_target.substr(2, 2), 16);
        for (std::size_t w = 1; w <= nouns; ++w) {
          std::string noun(field(noun_synset, n));
          field(noun_synset, n);
          if (w != wanted) continue;
          std::replace(noun.begin(), noun.end(), '_', ' ');
          for (auto& c : noun) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          // The people who do it ("seller", "rider") are not the event.
          bool agent = noun.ends_with("er") || noun.ends_with("or") || noun.ends_with("ee") || noun.ends_with("ist");
          if (!agent && std::find(out.begin(), out.end(), noun) == out.end()) out.push_back(noun);
        }
      }
    }
  }
  return out;
}

std::vector<std::string> WordNet::base_forms(std::string_view word, Pos pos) const {
  std::vector<std::string> out = {std::string(word)};
  const auto& exceptions = exceptions_[static_cast<int>(pos)];
  if (auto it = exceptions.find(word); it != exceptions.end()) out.insert(out.end(), it->second.begin(), it->second.end());
  for (const auto& [suffix, ending] : suffixes(pos)) {
    if (word.size() > suffix.size() + 1 && word.ends_with(suffix)) {
      std::string base(word.substr(0, word.size() - suffix.size()));
      out.push_back(base + ending);
      // "shipped" -> "shipp" -> "ship"
      if (ending.empty() && base.size() > 2 && base.back() == base[base.size() - 2]) out.push_back(base.substr(0, base.size() - 1));
    }
  }
  return out;
}

std::vector<std::string> WordNet::irregular_verb_bases(std::string_view word) const {
  const auto& exceptions = exceptions_[static_cast<int>(Pos::kVerb)];
  auto it = exceptions.find(word);
  return it == exceptions.end() ? std::vector<std::string>{} : it->second;
}

bool WordNet::irregular_verb_form(std::string_view word) const {
  return exceptions_[static_cast<int>(Pos::kVerb)].count(word) > 0;
}

bool WordNet::is(std::string_view word, Pos pos) const {
  for (const auto& base : base_forms(word, pos)) {
    if (has_lemma(pos, base)) return true;
  }
  return false;
}

}  // namespace chatdb::nl2sql
