#include "nl2sql/word_net.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

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

}  // namespace

WordNet::WordNet(const std::string& dir) {
  bool all = true;
  for (int p = 0; p < 4; ++p) {
    std::string path = dir + "/index." + kNames[p];
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat st {};
    if (fd < 0 || ::fstat(fd, &st) != 0 || st.st_size <= 0) {
      if (fd >= 0) ::close(fd);
      all = false;
      continue;
    }
    void* mapped = ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (mapped == MAP_FAILED) {
      all = false;
      continue;
    }
    index_[p] = {static_cast<const char*>(mapped), static_cast<std::size_t>(st.st_size)};
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
  for (auto& index : index_) {
    if (index.data != nullptr) ::munmap(const_cast<char*>(index.data), index.size);
  }
}

const WordNet& WordNet::system() {
  static const WordNet instance([] {
    const char* dir = std::getenv("CHATDB_WORDNET_DIR");
    return std::string(dir != nullptr && *dir != '\0' ? dir : "/usr/share/wordnet");
  }());
  return instance;
}

bool WordNet::has_lemma(Pos pos, std::string_view lemma) const {
  const Index& index = index_[static_cast<int>(pos)];
  if (index.data == nullptr || lemma.empty()) return false;
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
    if (key == lemma) return true;
    if (key < lemma) lo = end + 1;
    else hi = start;
  }
  return false;
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
