#include "orchestrator/job.h"

#include "common/json_parse.h"

#include <ctime>

namespace chatdb::orchestrator {
namespace status {

bool is_terminal(const std::string& s) { return s == kSucceeded || s == kFailed || s == kCancelled; }
bool is_known(const std::string& s) { return s == kQueued || s == kRunning || is_terminal(s); }

}  // namespace status

namespace {

nlohmann::json iso(const std::optional<std::int64_t>& millis) {
  if (!millis) return nullptr;
  std::time_t secs = static_cast<std::time_t>(*millis / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(*millis % 1000));
  return std::string(out);
}

template <class T>
nlohmann::json or_null(const std::optional<T>& v) {
  if (!v) return nullptr;
  return *v;
}

std::optional<std::string> opt_text(const metadata::Value& v) {
  if (metadata::is_null(v)) return std::nullopt;
  return metadata::as_text(v);
}

std::optional<std::int64_t> opt_int(const metadata::Value& v) {
  if (metadata::is_null(v)) return std::nullopt;
  return metadata::as_int(v);
}

}  // namespace

const char* Job::columns() {
  return "id, seq, model_name, dataset_location, cpu_request, target, task, algorithm, params, priority, max_retries, "
         "timeout_s, status, attempts, progress, error, model_version, metrics, submitted_at, started_at, finished_at, "
         "not_before, lease_expires_at";
}

Job Job::from_row(const metadata::Row& r) {
  using metadata::as_double;
  using metadata::as_int;
  using metadata::as_text;
  Job j;
  j.id = as_text(r[0]);
  j.seq = as_int(r[1]);
  j.spec.model_name = as_text(r[2]);
  j.spec.dataset_location = as_text(r[3]);
  j.spec.cpu_request = as_double(r[4]);
  j.spec.target = opt_text(r[5]);
  j.spec.task = as_text(r[6]);
  j.spec.algorithm = as_text(r[7]);
  j.spec.params = parse_json_or_discarded(as_text(r[8], "{}"));
  j.spec.priority = as_int(r[9]);
  j.spec.max_retries = as_int(r[10]);
  j.spec.timeout_s = as_int(r[11]);
  j.status = as_text(r[12]);
  j.attempts = as_int(r[13]);
  j.progress = as_double(r[14]);
  j.error = opt_text(r[15]);
  j.model_version = opt_int(r[16]);
  auto metrics = opt_text(r[17]);
  j.metrics = metrics ? parse_json_or_discarded(*metrics) : nlohmann::json();
  j.submitted_at = as_int(r[18]);
  j.started_at = opt_int(r[19]);
  j.finished_at = opt_int(r[20]);
  j.not_before = as_int(r[21]);
  j.lease_expires_at = opt_int(r[22]);
  return j;
}

nlohmann::json Job::to_json(std::optional<std::int64_t> queue_position) const {
  nlohmann::json out = spec.to_json();
  out.update({{"id", id},
              {"status", status},
              {"queue_position", or_null(queue_position)},
              {"progress", progress},
              {"attempts", attempts},
              {"error", or_null(error)},
              {"model_version", or_null(model_version)},
              {"metrics", metrics},
              {"submitted_at", iso(submitted_at)},
              {"started_at", iso(started_at)},
              {"finished_at", iso(finished_at)}});
  if (status == status::kQueued && not_before > submitted_at) out["retry_at"] = iso(not_before);
  bool waiting = status == status::kRunning && error && error->starts_with(kWaitingPrefix);
  out["message"] = waiting ? nlohmann::json(*error) : nlohmann::json();
  return out;
}

nlohmann::json Job::training_message() const {
  nlohmann::json out = spec.to_json();
  out.erase("priority");
  out.erase("max_retries");
  out["job_id"] = id;
  out["attempt"] = attempts;
  return out;
}

}  // namespace chatdb::orchestrator
