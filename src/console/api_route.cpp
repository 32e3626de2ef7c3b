#include "console/api_route.h"

namespace chatdb::console {

std::vector<ApiRoute> api_routes(const Config& c) {
  return {
      {"/api/v1/jobs", "training-orchestrator", c.training_orchestrator_url},
      {"/api/v1/parse", "query-parser", c.query_parser_url},
      {"/api/v1/query", "query-parser", c.query_parser_url},
      {"/api/v1/databases", "query-parser", c.query_parser_url},
      {"/api/v1/schema", "query-parser", c.query_parser_url},
      {"/api/v1/predict", "ml-engine", c.ml_engine_url},
      {"/api/v1/ml", "ml-engine", c.ml_engine_url},
      {"/api/v1/models", "model-registry", c.model_registry_url},
      {"/api/v1/registered-models", "model-registry", c.model_registry_url},
      {"/api/v1/model-versions", "model-registry", c.model_registry_url},
  };
}

}  // namespace chatdb::console
