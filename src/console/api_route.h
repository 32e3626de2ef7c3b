#pragma once

#include "common/config.h"

#include <string>
#include <vector>

namespace chatdb::console {

/// One path prefix of the public API and the service that owns it: the console forwards
/// every request under `prefix` to `base_url` unchanged, as the Kubernetes ingress does.
struct ApiRoute {
  std::string prefix;   // "/api/v1/jobs"
  std::string service;  // "training-orchestrator"
  std::string base_url;
};

/// The ingress's paths (kubernetes/base/services/ingress.yaml; tests/k8s checks the two agree)
/// with the service URLs of `config`.
std::vector<ApiRoute> api_routes(const Config& config);

}  // namespace chatdb::console
