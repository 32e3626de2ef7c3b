#pragma once

#include "console/api_route.h"
#include "http/client.h"
#include "http/request.h"
#include "http/response.h"

#include <chrono>
#include <memory>

namespace chatdb::console {

/// Forwards one request of the public API to the service that owns it, unchanged (method,
/// path, query, body, and the headers that carry meaning: Authorization, Content-Type,
/// Accept, Idempotency-Key, trace context; the request id), and returns its answer with the
/// headers a client acts on. It adds no credentials of its own: the service behind checks the
/// caller's API key. A service that cannot be reached is 503, one that does not answer in
/// time 504, as problem+json naming the service. Thread-safe.
class ApiProxy {
 public:
  static constexpr std::chrono::seconds kTimeout{60};

  explicit ApiProxy(std::shared_ptr<http::Client> client);

  http::Response forward(const http::Request& request, const ApiRoute& route) const;

 private:
  std::shared_ptr<http::Client> client_;
};

}  // namespace chatdb::console
