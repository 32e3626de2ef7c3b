#pragma once

#include "runtime/service.h"
#include "test_service/prober.h"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace chatdb::test_service {

/// Probes the other four services end to end and exports what it sees as metrics; GET /
/// shows each one's status. Ready once every target answered its last probe as ready.
class TestService : public runtime::Service {
 public:

  TestService(std::vector<Target> targets, std::chrono::milliseconds interval);

  static constexpr std::string_view kName = "test-service";

  std::string name() const override { return std::string(kName); }
  std::string summary() const override;
  /// Also under /test: the ingress sends chatdb.local/test/ here without rewriting the path.
  std::vector<std::string> mount_prefixes() const override { return {"", "/api/v1", "/test"}; }
  void register_metrics(http::MetricsRegistry& registry) override;
  nlohmann::json describe() const override;
  std::vector<runtime::Check> check_dependencies() override;
  void start() override;
  void stop() override;

 private:
  std::vector<Target> targets_;
  Prober prober_;
};

}  // namespace chatdb::test_service
