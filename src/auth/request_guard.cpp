#include "auth/request_guard.h"

#include "http/problem.h"

namespace chatdb::auth {

http::Guard make_request_guard(std::shared_ptr<Authenticator> authenticator, http::MetricsRegistry& metrics) {
  auto& failures = metrics.counter("chatdb_auth_failures_total", "Requests refused for a missing or unknown API key or a missing scope.",
                                   {"reason"});
  return [authenticator = std::move(authenticator), &failures](std::string_view method, std::string_view route,
                                                               std::string_view authorization) -> std::optional<http::Response> {
    Verdict verdict = authenticator->check(method, route, authorization);
    if (verdict == Verdict::kAllowed) return std::nullopt;
    failures.with({std::string(to_string(verdict))}).inc();
    if (verdict == Verdict::kScope) {
      auto needed = required_scope(method, route);
      return http::problem(403, "this API key lacks the '" + std::string(to_string(needed.value_or(Scope::kAdmin))) +
                                    "' scope that " + std::string(method) + " needs here");
    }
    http::Response r = http::problem(
        401, verdict == Verdict::kMissing
                 ? "this service needs an API key: send Authorization: Bearer TOKEN (the CLI sends CHATDB_API_KEY)"
                 : "the API key is not valid (unknown or revoked)");
    r.headers.emplace_back("WWW-Authenticate", verdict == Verdict::kMissing ? "Bearer realm=\"chatdb\""
                                                                            : "Bearer realm=\"chatdb\", error=\"invalid_token\"");
    return r;
  };
}

}  // namespace chatdb::auth
