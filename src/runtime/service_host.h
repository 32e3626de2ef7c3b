#pragma once

#include "auth/authenticator.h"
#include "http/server.h"
#include "runtime/service.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace chatdb::runtime {

/// Serves services on one HTTP server: one port each, routes mounted bare and under /api/v1,
/// the common endpoints, per-service metrics and one JSON access-log line per request. With an
/// authenticator, every request passes its guard (auth/request_guard.h) before its handler.
class ServiceHost {
 public:
  explicit ServiceHost(http::ServerOptions options, std::shared_ptr<auth::Authenticator> authenticator = nullptr);
  ~ServiceHost();

  /// Mounts and binds `service` on host:port now; returns the bound port. Throws
  /// std::runtime_error when the port cannot be bound.
  std::uint16_t add(std::shared_ptr<Service> service, const std::string& host, std::uint16_t port);

  /// Starts every service, serves until SIGINT/SIGTERM or stop(), drains, stops the services.
  void run();
  void stop();

 private:
  struct Hosted;
  http::Server server_;
  std::shared_ptr<auth::Authenticator> authenticator_;
  std::vector<std::unique_ptr<Hosted>> hosted_;
};

}  // namespace chatdb::runtime
