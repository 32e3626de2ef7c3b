#pragma once

#include "runtime/service.h"

#include <string>

namespace chatdb::ml_engine {

/// Trains tabular models from training jobs and serves predictions.
class MlEngine : public runtime::Service {
 public:

  static constexpr std::string_view kName = "ml-engine";

  std::string name() const override { return std::string(kName); }
  std::string summary() const override;
};

}  // namespace chatdb::ml_engine
