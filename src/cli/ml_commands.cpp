#include "cli/ml_commands.h"

#include "cli/api_client.h"
#include "cli/text_table.h"
#include "common/json_parse.h"
#include "http/request.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <thread>

namespace chatdb::cli {
namespace {

int fail(const Error& e) {
  std::fprintf(stderr, "chatdb: %s\n", e.message.c_str());
  return 1;
}

std::string text(const nlohmann::json& v) {
  if (v.is_null()) return "-";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_float()) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g", v.get<double>());
    return buf;
  }
  return v.dump();
}

void draw_progress(const nlohmann::json& job, bool tty) {
  double progress = job.value("progress", 0.0);
  std::string status = job.value("status", "");
  int filled = static_cast<int>(progress * 30 + 0.5);
  std::string bar = std::string(filled, '#') + std::string(30 - filled, '-');
  std::string extra;
  if (status == "queued" && job.contains("queue_position") && !job["queue_position"].is_null()) {
    extra = " (position " + text(job["queue_position"]) + " in the queue)";
  }
  std::fprintf(stderr, "%s[%s] %3.0f%% %s%s%s", tty ? "\r" : "", bar.c_str(), progress * 100, status.c_str(),
               extra.c_str(), tty ? "\033[K" : "\n");
  std::fflush(stderr);
}

}  // namespace

nlohmann::json parse_params(const std::vector<std::string>& pairs) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& pair : pairs) {
    auto eq = pair.find('=');
    if (eq == std::string::npos || eq == 0) throw ConfigError("--param '" + pair + "': expected NAME=VALUE");
    std::string name = pair.substr(0, eq), value = pair.substr(eq + 1);
    auto parsed = parse_json_or_discarded(value);
    out[name] = (parsed.is_number() || parsed.is_boolean()) ? parsed : nlohmann::json(value);
  }
  return out;
}

int train(const Config& config, const TrainOptions& options) {
  ApiClient orchestrator(config.training_orchestrator_url, config.api_key);
  auto submitted = orchestrator.post("/jobs", options.job);
  if (!submitted.ok()) return fail(submitted.error());
  std::string id = submitted->value("id", "");
  std::fprintf(stderr, "submitted job %s\n", id.c_str());
  if (!options.wait) {
    std::printf("%s\n", submitted->dump(2).c_str());
    return 0;
  }
  bool tty = ::isatty(STDERR_FILENO);
  std::string last;
  nlohmann::json job = submitted.value();
  while (true) {
    std::string shown = job.value("status", "") + text(job["progress"]);
    if (tty || shown != last) draw_progress(job, tty);
    last = shown;
    std::string status = job.value("status", "");
    if (status == "succeeded" || status == "failed" || status == "cancelled") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    auto next = orchestrator.get("/jobs/" + id);
    if (!next.ok()) return fail(next.error());
    job = next.value();
  }
  if (tty) std::fprintf(stderr, "\n");
  std::printf("%s\n", job.dump(2).c_str());
  return job["status"] == "succeeded" ? 0 : 1;
}

int jobs(const Config& config, const std::string& id, const std::string& status, const std::string& model, bool cancel) {
  ApiClient orchestrator(config.training_orchestrator_url, config.api_key);
  if (!id.empty()) {
    auto r = cancel ? orchestrator.post("/jobs/" + http::percent_encode(id) + "/cancel", nlohmann::json::object())
                    : orchestrator.get("/jobs/" + http::percent_encode(id));
    if (!r.ok()) return fail(r.error());
    std::printf("%s\n", r->dump(2).c_str());
    return 0;
  }
  std::string query = "/jobs?limit=100";
  if (!status.empty()) query += "&status=" + http::percent_encode(status);
  if (!model.empty()) query += "&model=" + http::percent_encode(model);
  auto r = orchestrator.get(query);
  if (!r.ok()) return fail(r.error());
  TextTable table({"ID", "MODEL", "STATUS", "PROGRESS", "CPU", "ATTEMPTS", "VERSION", "SUBMITTED"});
  for (const auto& j : (*r)["jobs"]) {
    table.add({text(j["id"]), text(j["model_name"]), text(j["status"]),
               std::to_string(static_cast<int>(j.value("progress", 0.0) * 100)) + "%", text(j["cpu_request"]),
               text(j["attempts"]), text(j["model_version"]), text(j["submitted_at"])});
  }
  table.print();
  return 0;
}

int models(const Config& config, const std::string& name) {
  ApiClient registry(config.model_registry_url, config.api_key);
  if (name.empty()) {
    auto r = registry.get("/registered-models?max_results=1000");
    if (!r.ok()) return fail(r.error());
    TextTable table({"NAME", "LATEST", "ALIASES", "DESCRIPTION"});
    for (const auto& m : (*r)["registered_models"]) {
      std::string latest = "-";
      for (const auto& v : m["latest_versions"]) latest = text(v["version"]) + " (" + text(v["status"]) + ")";
      table.add({text(m["name"]), latest, m["aliases"].empty() ? "-" : m["aliases"].dump(), text(m["description"])});
    }
    table.print();
    return 0;
  }
  auto r = registry.get("/registered-models/" + http::percent_encode(name) + "/versions");
  if (!r.ok()) return fail(r.error());
  TextTable table({"VERSION", "STATUS", "JOB", "METRICS", "DIGEST"});
  for (const auto& v : (*r)["model_versions"]) {
    nlohmann::json metrics = v.contains("metadata") ? v["metadata"].value("metrics", nlohmann::json()) : nlohmann::json();
    table.add({text(v["version"]), text(v["status"]), text(v.value("job_id", nlohmann::json())), metrics.is_null() ? "-" : metrics.dump(),
               text(v["artifact_sha256"]).substr(0, 12)});
  }
  table.print();
  return 0;
}

int predict(const Config& config, const std::string& model, const std::string& version, const std::string& alias,
            const std::string& instances_path) {
  std::string raw;
  if (instances_path == "-") {
    raw.assign(std::istreambuf_iterator<char>(std::cin), {});
  } else {
    std::ifstream in(instances_path);
    if (!in) return fail(Error::invalid("cannot read " + instances_path));
    raw.assign(std::istreambuf_iterator<char>(in), {});
  }
  auto instances = parse_json_or_discarded(raw);
  if (instances.is_object()) instances = nlohmann::json::array({instances});
  if (!instances.is_array()) return fail(Error::invalid("instances must be a JSON object or an array of objects"));
  nlohmann::json body = {{"model", model}, {"instances", instances}};
  if (!version.empty()) {
    try {
      body["version"] = std::stoll(version);
    } catch (const std::exception&) {
      return fail(Error::invalid("--version must be a number"));
    }
  }
  if (!alias.empty()) body["alias"] = alias;
  ApiClient engine(config.ml_engine_url, config.api_key);
  auto r = engine.post("/predict", body);
  if (!r.ok()) return fail(r.error());
  std::printf("%s\n", r->dump(2).c_str());
  return 0;
}

}  // namespace chatdb::cli
