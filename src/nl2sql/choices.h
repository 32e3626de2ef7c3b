#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace chatdb::nl2sql {

/// A point where the question can be read more than one way: what is asked ("'paris' is a
/// city of customers or of stores") and the options, most likely first.
struct Choice {
  std::string what;
  std::vector<std::string> options;
};

/// The choices an interpretation makes, in the order it makes them. The first reading takes
/// the most likely option everywhere; another reading is the same interpretation run with one
/// choice forced to another option, so alternatives differ from the first reading in exactly
/// one place. Not thread-safe: one per interpretation.
class Choices {
 public:
  Choices() = default;
  /// Forces the `index`-th choice made to take `option`.
  Choices(std::size_t index, std::size_t option) { forced_[index] = option; }

  /// Records a choice among `options` (at least two, most likely first) and returns the index
  /// of the option to take: 0 unless forced. Asking the same `what` again returns the same.
  std::size_t choose(std::string what, std::vector<std::string> options);

  const std::vector<Choice>& made() const { return made_; }

 private:
  std::map<std::size_t, std::size_t> forced_;
  std::vector<Choice> made_;
};

}  // namespace chatdb::nl2sql
