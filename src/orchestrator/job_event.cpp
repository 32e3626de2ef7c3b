#include "orchestrator/job_event.h"

#include "common/json_parse.h"

namespace chatdb::orchestrator {

Result<JobEvent> JobEvent::parse(const std::string& payload) {
  auto j = parse_json_or_discarded(payload);
  if (j.is_discarded() || !j.is_object()) return Error::invalid("job event is not a JSON object");
  if (!j.contains("job_id") || !j["job_id"].is_string()) return Error::invalid("job event without job_id");
  if (!j.contains("attempt") || !j["attempt"].is_number_integer()) return Error::invalid("job event without attempt");
  if (!j.contains("type") || !j["type"].is_string()) return Error::invalid("job event without type");
  JobEvent e;
  e.job_id = j["job_id"].get<std::string>();
  e.attempt = j["attempt"].get<std::int64_t>();
  e.type = j["type"].get<std::string>();
  if (e.type != "started" && e.type != "progress" && e.type != "succeeded" && e.type != "failed") {
    return Error::invalid("unknown job event type '" + e.type + "'");
  }
  if (j.contains("progress") && j["progress"].is_number()) e.progress = j["progress"].get<double>();
  if (j.contains("model_version") && j["model_version"].is_number_integer()) e.model_version = j["model_version"].get<std::int64_t>();
  if (j.contains("metrics")) e.metrics = j["metrics"];
  if (j.contains("error") && j["error"].is_string()) e.error = j["error"].get<std::string>();
  if (j.contains("retryable") && j["retryable"].is_boolean()) e.retryable = j["retryable"].get<bool>();
  if (j.contains("message") && j["message"].is_string()) e.message = j["message"].get<std::string>();
  return e;
}

}  // namespace chatdb::orchestrator
