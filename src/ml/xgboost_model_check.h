#pragma once

#include "common/error.h"

#include <nlohmann/json.hpp>

#include <cstddef>

namespace chatdb::ml {

/// What a checked XGBoost model document holds.
struct XgboostModelShape {
  std::size_t features = 0;
  std::size_t trees = 0;
  /// At most how many tree nodes one row visits: the sum of the trees' depths.
  std::size_t steps_per_row = 0;
};

/// Checks an XGBoost JSON model document (its own format, as XgboostTrainer saves it) before
/// XGBoost sees it: the library trusts its input, so a child index out of range crashes it and
/// a cycle among children hangs it. Accepted: a gbtree booster with the objectives ChatDB
/// trains (reg:squarederror, binary:logistic, multi:softprob); every tree's arrays as long as
/// its node count; every tree a proper binary tree rooted at node 0 (children in range, each
/// node reached once, parents matching); numerical splits on a feature below the feature
/// count; output groups below the class count; sizes within bounds. `width`, when not 0, is the
/// feature count the model must have. kUnprocessable naming the first problem otherwise.
Result<XgboostModelShape> check_xgboost_model(const nlohmann::json& doc, std::size_t width);

}  // namespace chatdb::ml
