#include "ml_engine/ml_engine.h"

namespace chatdb::ml_engine {

std::string MlEngine::summary() const {
  return "Trains tabular models from training jobs and serves predictions.";
}

}  // namespace chatdb::ml_engine
