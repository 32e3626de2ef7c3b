#include "nl2sql/choices.h"

namespace chatdb::nl2sql {

std::size_t Choices::choose(std::string what, std::vector<std::string> options) {
  // The same choice asked again (a word read by two stages) gets the same answer.
  for (std::size_t i = 0; i < made_.size(); ++i) {
    if (made_[i].what == what) {
      auto it = forced_.find(i);
      return it != forced_.end() && it->second < made_[i].options.size() ? it->second : 0;
    }
  }
  std::size_t index = made_.size();
  std::size_t take = 0;
  if (auto it = forced_.find(index); it != forced_.end() && it->second < options.size()) take = it->second;
  made_.push_back({std::move(what), std::move(options)});
  return take;
}

}  // namespace chatdb::nl2sql
