#pragma once

#include "bus/message_bus.h"
#include "metadata/metadata_store.h"
#include "orchestrator/job_repository.h"
#include "orchestrator/scheduler.h"
#include "outbox/outbox_relay.h"
#include "runtime/service.h"

#include <map>
#include <memory>
#include <string>

namespace chatdb::orchestrator {

struct OrchestratorOptions {
  double cpu_capacity = 2;
  std::string training_topic = "training_jobs";
  std::string job_events_topic = "job_events";
  JobPolicy policy;
  std::chrono::milliseconds tick{250};
  Clock clock = system_clock();  // of the jobs' timestamps, leases, backoffs and timeouts
};

/// Accepts, persists, admits by CPU, queues, tracks, cancels and retries training jobs.
/// POST /jobs, GET /jobs, GET /jobs/{id}, POST /jobs/{id}/cancel. Admitted jobs reach the
/// training topic through the transactional outbox; their progress comes back on the
/// job-events topic. Ready when the metadata store and the bus answer.
class TrainingOrchestrator : public runtime::Service {
 public:
  static constexpr std::string_view kName = "training-orchestrator";

  TrainingOrchestrator(std::shared_ptr<metadata::MetadataStore> store, std::shared_ptr<bus::MessageBus> bus,
                       OrchestratorOptions options);
  ~TrainingOrchestrator() override;

  std::string name() const override { return std::string(kName); }
  std::string summary() const override;
  void register_metrics(http::MetricsRegistry& registry) override;
  void mount(http::Router& router) override;
  nlohmann::json describe() const override;
  std::vector<runtime::Check> check_dependencies() override;
  void start() override;
  void stop() override;

 private:
  http::Response submit(const http::Request& request);
  http::Response list(const http::Request& request);
  void on_tick(const Scheduler::Tick& tick);
  void count_finished(const Finished& finished);

  std::shared_ptr<metadata::MetadataStore> store_;
  std::shared_ptr<bus::MessageBus> bus_;
  OrchestratorOptions options_;
  JobRepository jobs_;
  outbox::OutboxRelay relay_;
  Scheduler scheduler_;
  std::unique_ptr<bus::Subscription> events_;

  http::Counter* submitted_ = nullptr;
  std::map<std::string, http::Counter*> finished_;  // by end state
  http::Family<http::Gauge>* by_state_ = nullptr;
  http::Gauge* queue_depth_ = nullptr;
  http::Gauge* running_cpu_ = nullptr;
  http::Gauge* outbox_pending_ = nullptr;
  http::Histogram* duration_ = nullptr;
};

}  // namespace chatdb::orchestrator
