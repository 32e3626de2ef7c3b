#pragma once

#include "common/error.h"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace chatdb::http {

struct ClientOptions {
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds request_timeout{10000};
  std::size_t max_idle_per_host = 8;
  std::size_t max_response_bytes = 64 * 1024 * 1024;
  /// Failures in a row (no answer, or a 5xx) after which calls to that host fail fast for
  /// breaker_open_for; 0 turns the breaker off.
  int breaker_failures = 5;
  std::chrono::milliseconds breaker_open_for{5000};
  /// Sent as `Authorization: Bearer TOKEN` on every request unless empty or the call sets its
  /// own Authorization. Only for ChatDB's own services, never for third parties (the LLM).
  std::string bearer_token = {};
  /// Each call is a client span and carries this thread's trace context (traceparent,
  /// tracestate) unless the call sets its own traceparent.
  bool trace = true;
};

struct ClientResponse {
  int status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // names lowercase
  std::string header(std::string_view name) const;
};

/// A blocking HTTP/1.1 client for calls between services (http:// only), with keep-alive
/// connections pooled per host, connect and whole-request timeouts, and a circuit breaker per
/// host. A failure to connect is `unavailable`, a deadline `timeout`, an open circuit
/// `unavailable` at once; any HTTP status is a successful exchange. A request on a pooled
/// connection that the server had closed is retried once on a new one. Thread-safe.
class Client {
 public:
  explicit Client(ClientOptions options = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  /// `timeout` replaces the request timeout of the options for this call (large transfers).
  Result<ClientResponse> request(std::string_view method, std::string_view url, std::string body = {},
                                 const std::vector<std::pair<std::string, std::string>>& headers = {},
                                 std::optional<std::chrono::milliseconds> timeout = std::nullopt);
  Result<ClientResponse> get(std::string_view url) { return request("GET", url); }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace chatdb::http
