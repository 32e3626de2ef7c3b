#pragma once

#include "http/metrics_registry.h"
#include "http/router.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace chatdb::runtime {

/// The outcome of checking one dependency for GET /ready.
struct Check {
  std::string name;
  bool ok = false;
  std::string detail;
};

/// One ChatDB service as a component. ServiceHost adds GET /health, /ready, /metrics and / to
/// what `mount` registers, and calls the hooks in this order: register_metrics, mount, start,
/// (serve), stop. `check_dependencies` and `describe` are called from request threads and
/// must be thread-safe.
class Service {
 public:
  virtual ~Service() = default;

  /// The service's name constant: subcommand, log and metric tag.
  virtual std::string name() const = 0;
  /// One sentence for GET /.
  virtual std::string summary() const = 0;
  /// Every route is mounted under each of these ("" is the bare path).
  virtual std::vector<std::string> mount_prefixes() const { return {"", "/api/v1"}; }
  /// Whether API keys, when configured, guard the routes (false only for the console, whose
  /// pages hold no data and whose API calls are checked by the services it forwards them to).
  virtual bool needs_api_keys() const { return true; }
  virtual void register_metrics(http::MetricsRegistry& registry) {}
  virtual void mount(http::Router& router) {}
  /// Fields added to GET /'s description.
  virtual nlohmann::json describe() const { return nlohmann::json::object(); }
  /// Reachability of each dependency; GET /ready answers 503 when any fails.
  virtual std::vector<Check> check_dependencies() { return {}; }
  virtual void start() {}
  virtual void stop() {}
};

}  // namespace chatdb::runtime
