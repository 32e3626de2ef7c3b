#include "orchestrator/job_request.h"

#include <regex>
#include <set>

namespace chatdb::orchestrator {
namespace {

const std::set<std::string> kFields = {"model_name", "dataset_location", "cpu_request", "target", "task",
                                       "algorithm",  "params",           "priority",    "max_retries", "timeout_s"};

Result<std::int64_t> integer(const nlohmann::json& body, const char* field, std::int64_t fallback, std::int64_t min,
                             std::int64_t max) {
  if (!body.contains(field)) return fallback;
  const auto& v = body[field];
  if (!v.is_number_integer()) return Error::invalid(std::string(field) + " must be an integer");
  auto n = v.get<std::int64_t>();
  if (n < min || n > max) {
    return Error::invalid(std::string(field) + " must be from " + std::to_string(min) + " to " + std::to_string(max));
  }
  return n;
}

Result<std::string> text(const nlohmann::json& body, const char* field, std::size_t max_len) {
  const auto& v = body[field];
  if (!v.is_string()) return Error::invalid(std::string(field) + " must be a string");
  auto s = v.get<std::string>();
  if (s.empty() || s.size() > max_len) {
    return Error::invalid(std::string(field) + " must be 1 to " + std::to_string(max_len) + " characters");
  }
  return s;
}

}  // namespace

Result<JobRequest> JobRequest::parse(const nlohmann::json& body, double max_cpu) {
  for (const auto& [key, _] : body.items()) {
    if (!kFields.count(key)) {
      return Error::invalid("unknown field '" + key + "'; accepted: model_name, dataset_location, cpu_request, "
                            "target, task, algorithm, params, priority, max_retries, timeout_s");
    }
  }
  for (const char* required : {"model_name", "dataset_location"}) {
    if (!body.contains(required)) return Error::invalid(std::string("missing required field '") + required + "'");
  }
  JobRequest r;
  auto name = text(body, "model_name", 128);
  if (!name.ok()) return name.error();
  static const std::regex kName(R"([A-Za-z0-9][A-Za-z0-9._\-]*)");
  if (!std::regex_match(name.value(), kName)) {
    return Error::invalid("model_name may hold letters, digits, '.', '_' and '-', starting with a letter or digit");
  }
  r.model_name = name.value();

  auto location = text(body, "dataset_location", 2048);
  if (!location.ok()) return location.error();
  r.dataset_location = location.value();
  static const std::regex kLocation(R"((s3://[^/\s]+/\S+)|(file://\S+)|(table://[^/\s]+/\S+))");
  if (!std::regex_match(r.dataset_location, kLocation)) {
    return Error::invalid("dataset_location must be s3://BUCKET/KEY, file://PATH or table://SOURCE/TABLE");
  }

  // Optional, as the deployment documents send jobs without it: one CPU. A given value (null too) must be valid.
  const bool cpu_given = body.contains("cpu_request");
  r.cpu_request = kDefaultCpuRequest;
  if (cpu_given) {
    const auto& cpu = body["cpu_request"];
    if (!cpu.is_number()) return Error::invalid("cpu_request must be a number of CPUs, such as 1 or 0.5");
    r.cpu_request = cpu.get<double>();
    if (!(r.cpu_request > 0)) return Error::invalid("cpu_request must be greater than 0");
  }
  if (r.cpu_request > max_cpu) {
    return Error::invalid("cpu_request " + std::to_string(r.cpu_request) + (cpu_given ? "" : " (the default)") +
                          " exceeds the capacity of " + std::to_string(max_cpu) + " CPUs, so it could never start");
  }

  if (body.contains("target") && !body["target"].is_null()) {
    auto target = text(body, "target", 256);
    if (!target.ok()) return target.error();
    r.target = target.value();
  }
  if (body.contains("task")) {
    auto task = text(body, "task", 32);
    if (!task.ok()) return task.error();
    if (task.value() != "classification" && task.value() != "regression" && task.value() != "auto") {
      return Error::invalid("task must be classification, regression or auto");
    }
    r.task = task.value();
  }
  if (body.contains("algorithm")) {
    auto algorithm = text(body, "algorithm", 32);
    if (!algorithm.ok()) return algorithm.error();
    if (algorithm.value() != "xgboost" && algorithm.value() != "linear") {
      return Error::invalid("algorithm must be xgboost or linear");
    }
    r.algorithm = algorithm.value();
  }
  if (body.contains("params")) {
    const auto& p = body["params"];
    if (!p.is_object()) return Error::invalid("params must be an object of names to numbers, strings or booleans");
    for (const auto& [k, v] : p.items()) {
      if (!(v.is_number() || v.is_string() || v.is_boolean())) {
        return Error::invalid("params." + k + " must be a number, string or boolean");
      }
    }
    r.params = p;
  }
  auto priority = integer(body, "priority", 0, -1000, 1000);
  if (!priority.ok()) return priority.error();
  r.priority = priority.value();
  auto retries = integer(body, "max_retries", 2, 0, 10);
  if (!retries.ok()) return retries.error();
  r.max_retries = retries.value();
  auto timeout = integer(body, "timeout_s", 3600, 1, 7 * 24 * 3600);
  if (!timeout.ok()) return timeout.error();
  r.timeout_s = timeout.value();
  return r;
}

nlohmann::json JobRequest::to_json() const {
  return {{"model_name", model_name},
          {"dataset_location", dataset_location},
          {"cpu_request", cpu_request},
          {"target", target ? nlohmann::json(*target) : nlohmann::json()},
          {"task", task},
          {"algorithm", algorithm},
          {"params", params},
          {"priority", priority},
          {"max_retries", max_retries},
          {"timeout_s", timeout_s}};
}

}  // namespace chatdb::orchestrator
