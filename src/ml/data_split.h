#pragma once

#include "common/error.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace chatdb::ml {

/// A seeded train/validation split of row indices, each part in ascending order. The same
/// rows, labels, fraction and seed give the same split on every platform (a Mersenne Twister
/// and a Fisher-Yates shuffle written out here, not std::shuffle).
struct DataSplit {
  std::vector<std::size_t> train;
  std::vector<std::size_t> validation;

  /// Holds out about `fraction` (0 < fraction < 1) of `rows` for validation. Stratified:
  /// `labels[i]` is the class index of `rows[i]`, and each class is split on its own, so
  /// the validation set keeps the class proportions (a class of one row stays in training).
  /// kInvalidArgument when there are too few rows for both parts to be non-empty.
  static Result<DataSplit> make(const std::vector<std::size_t>& rows, const std::vector<float>& labels, bool stratify,
                                double fraction, std::uint64_t seed);
};

}  // namespace chatdb::ml
