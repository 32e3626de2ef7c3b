#pragma once

#include "auth/authenticator.h"
#include "http/metrics_registry.h"
#include "http/server.h"

#include <memory>

namespace chatdb::auth {

/// The HTTP server's guard for one service: asks the authenticator, refuses with problem+json
/// (401 with WWW-Authenticate: Bearer for a missing or unknown token, 403 for a missing scope)
/// and counts each refusal in `metrics` as chatdb_auth_failures_total{reason}. Tokens are never
/// logged.
http::Guard make_request_guard(std::shared_ptr<Authenticator> authenticator, http::MetricsRegistry& metrics);

}  // namespace chatdb::auth
