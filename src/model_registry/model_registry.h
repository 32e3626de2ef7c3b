#pragma once

#include "runtime/service.h"

#include <string>

namespace chatdb::model_registry {

/// Keeps registered models, immutable versions, aliases and their artifacts.
class ModelRegistry : public runtime::Service {
 public:

  static constexpr std::string_view kName = "model-registry";

  std::string name() const override { return std::string(kName); }
  std::string summary() const override;
};

}  // namespace chatdb::model_registry
