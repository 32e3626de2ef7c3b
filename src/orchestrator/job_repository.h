#pragma once

#include "common/time.h"
#include "metadata/metadata_store.h"
#include "orchestrator/job.h"
#include "orchestrator/job_event.h"
#include "orchestrator/job_request.h"

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace chatdb::orchestrator {

struct JobPolicy {
  std::int64_t lease_ms = 30000;          // a running job without news for this long is presumed lost
  std::int64_t retry_base_ms = 1000;      // backoff of the first retry; doubles per attempt
  std::int64_t retry_max_ms = 60000;
};

struct JobView {
  Job job;
  std::optional<std::int64_t> queue_position;  // 1-based, for queued jobs
};

struct JobFilter {
  std::optional<std::string> status;
  std::optional<std::string> model_name;
  std::int64_t limit = 50;
  std::int64_t offset = 0;
};

/// A job that reached an end state, for metrics.
struct Finished {
  std::string status;
  double seconds = 0;  // from first start to the end
};

struct JobCounts {
  std::map<std::string, std::int64_t> by_status;
  double running_cpu = 0;
};

/// Training jobs in the metadata store. Every state change happens in one transaction, and
/// the events it must publish (a job admitted -> its training message) go to the outbox in
/// the same transaction. Errors are the store's (kUnavailable while it is down). Thread-safe.
class JobRepository {
 public:
  /// Timestamps, leases, backoffs and timeouts read `clock`.
  JobRepository(metadata::MetadataStore& store, std::string training_topic, JobPolicy policy, Clock clock = system_clock());

  /// Stores a new queued job. With an Idempotency-Key, a retried submission returns the job of
  /// the first one (`created` false); the same key with a different body is a conflict.
  Result<std::pair<JobView, bool>> submit(const JobRequest& request, const std::string& idempotency_key);
  Result<JobView> get(const std::string& id);
  Result<std::vector<JobView>> list(const JobFilter& filter);
  /// queued or running -> cancelled; a finished job is a conflict.
  Result<JobView> cancel(const std::string& id);
  /// Starts queued jobs, priority then submission order, while the running CPUs fit in
  /// `capacity`; the first that does not fit blocks those behind it, so big jobs do not starve.
  /// `full`, when given, says whether the running jobs use the whole capacity afterwards (no
  /// submission can start before one of them ends).
  Result<std::vector<Job>> admit(double capacity, bool* full = nullptr);
  /// Applies an engine's event; events of other attempts or of finished jobs are ignored, so
  /// redelivery is harmless. Returns the end state when the event finished the job.
  Result<std::optional<Finished>> apply(const JobEvent& event);
  /// Jobs past timeout_s fail; running jobs whose lease expired (their engine died) are retried
  /// or failed. Returns those that finished.
  Result<std::vector<Finished>> reap();
  Result<JobCounts> counts();

 private:
  Status fail_or_retry(metadata::Transaction& tx, const Job& job, const std::string& error, bool retryable,
                       std::int64_t now, std::optional<Finished>& finished);

  metadata::MetadataStore& store_;
  std::string training_topic_;
  JobPolicy policy_;
  Clock clock_;
};

}  // namespace chatdb::orchestrator
