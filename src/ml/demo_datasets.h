#pragma once

#include "common/error.h"

#include <filesystem>

namespace chatdb::ml {

/// The demo datasets that ship with `chatdb up`, generated deterministically (the same bytes on
/// every machine) so that a newcomer can train at once:
/// - demo/churn.csv: 5,000 customers of a telecom, binary classification of `churned`
///   (yes/no) from numeric and categorical columns, a customer_id identifier, and some missing
///   values in total_charges and payment_method.
/// - demo/house_prices.csv: 3,000 house sales, regression of `price` from numeric and
///   categorical columns, with some missing lot_size values.
class DemoDatasets {
 public:
  /// Writes each file under `root` that is missing (atomically: a temporary file renamed into
  /// place), leaving existing ones alone. kUnavailable naming the path when it cannot write.
  static Status ensure(const std::filesystem::path& root);
};

}  // namespace chatdb::ml
