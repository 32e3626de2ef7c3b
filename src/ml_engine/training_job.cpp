#include "ml_engine/training_job.h"

#include "common/json_parse.h"

#include <algorithm>
#include <cmath>

namespace chatdb::ml_engine {

int TrainingJob::threads() const { return std::max(1, static_cast<int>(std::ceil(cpu_request - 1e-9))); }

Result<TrainingJob> TrainingJob::parse(const std::string& payload) {
  auto j = parse_json_or_discarded(payload);
  if (j.is_discarded() || !j.is_object()) return Error::invalid("training message is not a JSON object");
  TrainingJob job;
  auto text = [&](const char* key, std::string& out, bool required) -> Status {
    if (!j.contains(key) || j[key].is_null()) {
      return required ? Status(Error::invalid(std::string("training message without '") + key + "'")) : Status::success();
    }
    if (!j[key].is_string() || (required && j[key].get<std::string>().empty())) {
      return Error::invalid(std::string("training message: '") + key + "' must be a non-empty string");
    }
    out = j[key].get<std::string>();
    return Status::success();
  };
  for (Status s : {text("job_id", job.job_id, true), text("model_name", job.model_name, true),
                   text("dataset_location", job.dataset_location, true), text("target", job.target, false),
                   text("task", job.task, false), text("algorithm", job.algorithm, false)}) {
    if (!s) return s.error();
  }
  if (!j.contains("attempt") || !j["attempt"].is_number_integer() || j["attempt"].get<std::int64_t>() < 1) {
    return Error::invalid("training message: 'attempt' must be a positive integer");
  }
  job.attempt = j["attempt"].get<std::int64_t>();
  if (j.contains("params") && !j["params"].is_null()) {
    if (!j["params"].is_object()) return Error::invalid("training message: 'params' must be an object");
    job.params = j["params"];
  }
  if (j.contains("cpu_request") && !j["cpu_request"].is_null()) {
    if (!j["cpu_request"].is_number() || !(j["cpu_request"].get<double>() > 0)) {
      return Error::invalid("training message: 'cpu_request' must be a positive number");
    }
    job.cpu_request = j["cpu_request"].get<double>();
  }
  if (j.contains("timeout_s") && !j["timeout_s"].is_null()) {
    if (!j["timeout_s"].is_number_integer() || j["timeout_s"].get<std::int64_t>() < 1) {
      return Error::invalid("training message: 'timeout_s' must be a positive integer");
    }
    job.timeout_s = j["timeout_s"].get<std::int64_t>();
  }
  return job;
}

}  // namespace chatdb::ml_engine
