#pragma once

#include "http/client.h"
#include "http/metrics_registry.h"

#include <nlohmann/json_fwd.hpp>

#include "common/periodic_worker.h"

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace chatdb::test_service {

struct Target {
  std::string name;
  std::string base_url;
};

struct ProbeResult {
  std::string target;
  bool healthy = false;     // GET /health answered 200
  bool ready = false;       // GET /ready answered 200
  std::string detail;       // why not, when not
  double seconds = 0;       // time of both calls
  std::string checked_at;   // ISO 8601 UTC
};

/// Probes each target's /health and /ready every `interval` on a background thread and
/// exports the outcome as metrics (chatdb_probe_up, chatdb_probe_duration_seconds,
/// chatdb_probes_total) once export_to() named the registry. `latest` is thread-safe.
class Prober {
 public:
  Prober(std::vector<Target> targets, std::chrono::milliseconds interval);
  ~Prober();

  /// Registers the probe metrics in `metrics`; the probes after it are counted there. Call it
  /// before start().
  void export_to(http::MetricsRegistry& metrics);
  void start();
  void stop();
  /// The last round's results; empty before the first round ends.
  std::vector<ProbeResult> latest() const;

 private:
  ProbeResult probe(const Target& target);

  std::vector<Target> targets_;
  std::chrono::milliseconds interval_;
  http::Client client_;
  struct Metrics {
    http::Family<http::Gauge>& up;
    http::Family<http::Histogram>& duration;
    http::Family<http::Counter>& total;
  };
  std::optional<Metrics> metrics_;  // set before start(), then only read
  mutable std::mutex mutex_;  // guards latest_
  std::vector<ProbeResult> latest_;
  PeriodicWorker worker_;
};

nlohmann::json to_json(const ProbeResult& r);

}  // namespace chatdb::test_service
