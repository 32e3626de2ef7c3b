#include "test_service/prober.h"

#include "common/time.h"

#include <nlohmann/json.hpp>


namespace chatdb::test_service {

Prober::Prober(std::vector<Target> targets, std::chrono::milliseconds interval)
    : targets_(std::move(targets)),
      interval_(interval),
      client_(http::ClientOptions{std::chrono::milliseconds(1000), std::chrono::milliseconds(3000)}),
      worker_([this] {
        std::vector<ProbeResult> round;
        for (const auto& t : targets_) round.push_back(probe(t));
        std::lock_guard lock(mutex_);
        latest_ = std::move(round);
        return PeriodicWorker::Pause{interval_};
      }) {}

Prober::~Prober() { stop(); }

void Prober::export_to(http::MetricsRegistry& metrics) {
  metrics_.emplace(Metrics{
      metrics.gauge("chatdb_probe_up", "1 when the target's last /health and /ready probe succeeded.", {"target"}),
      metrics.histogram("chatdb_probe_duration_seconds", "Time of one probe of a target.", {"target"},
                        http::MetricsRegistry::default_latency_buckets()),
      metrics.counter("chatdb_probes_total", "Probes run, by target and result.", {"target", "result"})});
}

void Prober::start() { worker_.start(); }
void Prober::stop() { worker_.stop(); }

std::vector<ProbeResult> Prober::latest() const {
  std::lock_guard lock(mutex_);
  return latest_;
}

ProbeResult Prober::probe(const Target& target) {
  ProbeResult r;
  r.target = target.name;
  r.checked_at = utc_now_iso8601();
  auto start = std::chrono::steady_clock::now();
  auto health = client_.get(target.base_url + "/health");
  r.healthy = health.ok() && health->status == 200;
  if (!health.ok()) {
    r.detail = health.error().message;
  } else {
    auto ready = client_.get(target.base_url + "/ready");
    r.ready = ready.ok() && ready->status == 200;
    if (!ready.ok()) r.detail = ready.error().message;
    else if (!r.ready) r.detail = "/ready answered " + std::to_string(ready->status) + ": " + ready->body;
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  bool ok = r.healthy && r.ready;
  if (metrics_) {
    metrics_->up.with({target.name}).set(ok ? 1 : 0);
    metrics_->duration.with({target.name}).observe(r.seconds);
    metrics_->total.with({target.name, ok ? "success" : "failure"}).inc();
  }
  return r;
}

nlohmann::json to_json(const ProbeResult& r) {
  return {{"target", r.target}, {"healthy", r.healthy}, {"ready", r.ready}, {"detail", r.detail},
          {"seconds", r.seconds}, {"checked_at", r.checked_at}};
}

}  // namespace chatdb::test_service
