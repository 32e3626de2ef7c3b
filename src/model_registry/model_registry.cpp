#include "model_registry/model_registry.h"

namespace chatdb::model_registry {

std::string ModelRegistry::summary() const {
  return "Keeps registered models, immutable versions, aliases and their artifacts.";
}

}  // namespace chatdb::model_registry
