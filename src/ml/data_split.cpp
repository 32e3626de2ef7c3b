#include "ml/data_split.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

namespace chatdb::ml {
namespace {

void shuffle(std::vector<std::size_t>& v, std::mt19937_64& rng) {
  for (std::size_t i = v.size(); i > 1; --i) {
    std::size_t j = static_cast<std::size_t>(rng() % i);
    std::swap(v[i - 1], v[j]);
  }
}

// How many of `n` rows to hold out: the rounded share, leaving at least one on each side.
std::size_t held_out(std::size_t n, double fraction) {
  if (n < 2) return 0;
  auto k = static_cast<std::size_t>(std::llround(fraction * static_cast<double>(n)));
  return std::clamp<std::size_t>(k, 1, n - 1);
}

}  // namespace

Result<DataSplit> DataSplit::make(const std::vector<std::size_t>& rows, const std::vector<float>& labels, bool stratify,
                                  double fraction, std::uint64_t seed) {
  if (!(fraction > 0.0 && fraction < 1.0)) return Error::invalid("validation_fraction must be between 0 and 1 (exclusive)");
  std::mt19937_64 rng(seed);
  DataSplit split;
  std::vector<std::vector<std::size_t>> groups;
  if (stratify) {
    std::map<float, std::vector<std::size_t>> by_class;
    for (std::size_t i = 0; i < rows.size(); ++i) by_class[labels[i]].push_back(rows[i]);
    for (auto& [label, group] : by_class) groups.push_back(std::move(group));
  } else {
    groups.push_back(rows);
  }
  for (auto& group : groups) {
    shuffle(group, rng);
    std::size_t k = held_out(group.size(), fraction);
    split.validation.insert(split.validation.end(), group.begin(), group.begin() + static_cast<std::ptrdiff_t>(k));
    split.train.insert(split.train.end(), group.begin() + static_cast<std::ptrdiff_t>(k), group.end());
  }
  if (split.train.empty() || split.validation.empty()) {
    return Error::invalid("only " + std::to_string(rows.size()) +
                          " rows with a target value: too few to hold out a validation set; training needs more rows");
  }
  std::sort(split.train.begin(), split.train.end());
  std::sort(split.validation.begin(), split.validation.end());
  return split;
}

}  // namespace chatdb::ml
