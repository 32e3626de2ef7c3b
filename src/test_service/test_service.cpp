#include "test_service/test_service.h"

#include <nlohmann/json.hpp>

namespace chatdb::test_service {

TestService::TestService(std::vector<Target> targets, std::chrono::milliseconds interval)
    : targets_(targets), prober_(std::move(targets), interval) {}

std::string TestService::summary() const {
  return "Runs synthetic end-to-end probes of the other services and exports them as metrics.";
}

void TestService::register_metrics(http::MetricsRegistry& registry) {
  prober_.export_to(registry);
}

nlohmann::json TestService::describe() const {
  nlohmann::json services = nlohmann::json::array();
  auto latest = prober_.latest();
  for (const auto& t : targets_) {
    nlohmann::json entry = {{"target", t.name}, {"url", t.base_url}, {"status", "unknown"}};
    for (const auto& r : latest) {
      if (r.target != t.name) continue;
      entry.update(to_json(r));
      entry["status"] = r.healthy && r.ready ? "up" : (r.healthy ? "not ready" : "down");
    }
    services.push_back(entry);
  }
  return {{"services", services}};
}

std::vector<runtime::Check> TestService::check_dependencies() {
  auto latest = prober_.latest();
  if (latest.empty()) return {{"probes", false, "the first probe round has not finished"}};
  std::vector<runtime::Check> checks;
  for (const auto& r : latest) checks.push_back({r.target, r.healthy && r.ready, r.detail});
  return checks;
}

void TestService::start() { prober_.start(); }
void TestService::stop() { prober_.stop(); }

}  // namespace chatdb::test_service
