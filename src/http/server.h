#pragma once

#include "http/router.h"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace chatdb::http {

struct ServerOptions {
  int threads = 0;                         // I/O threads; 0: one per core
  int handler_threads = 8;                 // per listening port: run handlers that may block
  std::size_t header_limit = 8 * 1024;     // beyond: 431
  std::size_t body_limit = 1024 * 1024;    // default per route; beyond: 413
  std::chrono::milliseconds idle_timeout{30000};  // to receive a request's headers
  std::chrono::milliseconds read_timeout{15000};  // to receive its body
  std::chrono::milliseconds drain_timeout{9000};  // in-flight requests get this long on shutdown
};

/// What the server tells its observer about every finished exchange (for logs and metrics).
struct Exchange {
  const std::string& service;
  const std::string& route;  // the route pattern, or "unmatched"
  const std::string& method;
  const std::string& target;
  const std::string& request_id;
  const std::string& remote;
  int status;
  double seconds;
  std::size_t response_bytes;
  const std::string& trace_id;  // of the exchange's server span (W3C; also when not exported)
  const std::string& span_id;
};
using ExchangeObserver = std::function<void(const Exchange&)>;

/// Decides, once a request's headers are in and before its body is read, whether it may go on:
/// a response refuses it. `route` is the matched pattern ("" when none matched);
/// `authorization` the Authorization header ("" when absent).
using Guard = std::function<std::optional<Response>(std::string_view method, std::string_view route,
                                                    std::string_view authorization)>;

/// An asynchronous HTTP/1.1 server with keep-alive and pipelining, serving one router per
/// listening port. Each I/O thread owns its connections; handlers run on a pool per port so
/// that they may block (even on another port of the same server), except routes marked
/// `inline_handler`, which must be quick. Malformed requests get 400, oversized headers 431, oversized bodies 413;
/// a client slower than the timeouts is disconnected. `X-Request-Id` is echoed or generated.
/// A listener's guard sees every request first; a refused request's body is never read.
///
/// `run()` blocks until SIGINT/SIGTERM or `stop()`: it then closes the listeners, lets
/// requests in flight finish (up to drain_timeout) and returns.
class Server {
 public:
  explicit Server(ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds now; throws std::runtime_error naming the address when it cannot. Returns the
  /// bound port (useful when `port` is 0).
  std::uint16_t listen(const std::string& service, const std::string& host, std::uint16_t port,
                       std::shared_ptr<const Router> router, ExchangeObserver observer, Guard guard = {});

  void run();
  /// Begins the drain from any thread.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace chatdb::http
