#include "cli/ml_commands.h"

#include "cli/api_client.h"
#include "cli/display.h"
#include "cli/text_table.h"
#include "common/json_parse.h"
#include "common/percent_encoding.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <thread>

namespace chatdb::cli {
namespace {

int fail(const Error& e) {
  std::fprintf(stderr, "chatdb: %s\n", e.message.c_str());
  return 1;
}

std::string text(const nlohmann::json& v) { return v.is_null() ? "-" : display(v); }

// Set by Ctrl-C while `chatdb train` follows a job: stop following, the job goes on.
std::atomic<bool> g_interrupted{false};

// How a finished job ended, in a few lines instead of its JSON.
void print_summary(const nlohmann::json& job) {
  std::string id = text(job["id"]), status = text(job["status"]), model = text(job["model_name"]);
  if (status == "succeeded") {
    std::printf("job %s succeeded: model %s version %s\n", id.c_str(), model.c_str(), text(job["model_version"]).c_str());
    std::printf("  metrics  %s\n", display_metrics(job.value("metrics", nlohmann::json())).c_str());
    std::printf("  next     chatdb models %s; chatdb predict --model %s FILE\n", model.c_str(), model.c_str());
  } else {
    std::printf("job %s %s after %s attempt(s)\n", id.c_str(), status.c_str(), text(job["attempts"]).c_str());
    if (!job.value("error", nlohmann::json()).is_null()) std::printf("  error    %s\n", text(job["error"]).c_str());
  }
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

// NAME=VALUE pairs as a params object: numbers and true/false become JSON numbers and booleans.
// Throws ConfigError on an entry without '='.
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

struct TrainOptions {
  nlohmann::json job;  // the POST /jobs body
  bool wait = true;    // follow the job to its end with a progress bar
};

int train(const Config& config, const TrainOptions& options) {
  ApiClient orchestrator(config.training_orchestrator_url, config.api_key);
  g_interrupted = false;
  if (options.wait) std::signal(SIGINT, [](int) { g_interrupted = true; });
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
    for (int i = 0; i < 10 && !g_interrupted; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (g_interrupted) {
      std::fprintf(stderr, "%sstopped following job %s; it goes on. Follow it with: chatdb jobs %s   (cancel: chatdb jobs %s --cancel)\n",
                   tty ? "\n" : "", id.c_str(), id.c_str(), id.c_str());
      return 130;
    }
    auto next = orchestrator.get("/jobs/" + id);
    if (!next.ok()) return fail(next.error());
    job = next.value();
  }
  std::signal(SIGINT, SIG_DFL);
  if (tty) std::fprintf(stderr, "\n");
  print_summary(job);
  return job["status"] == "succeeded" ? 0 : 1;
}

int jobs(const Config& config, const std::string& id, const std::string& status, const std::string& model, bool cancel) {
  ApiClient orchestrator(config.training_orchestrator_url, config.api_key);
  if (!id.empty()) {
    auto r = cancel ? orchestrator.post("/jobs/" + percent_encode(id) + "/cancel", nlohmann::json::object())
                    : orchestrator.get("/jobs/" + percent_encode(id));
    if (!r.ok()) return fail(r.error());
    std::printf("%s\n", r->dump(2).c_str());
    return 0;
  }
  std::string query = "/jobs?limit=100";
  if (!status.empty()) query += "&status=" + percent_encode(status);
  if (!model.empty()) query += "&model=" + percent_encode(model);
  auto r = orchestrator.get(query);
  if (!r.ok()) return fail(r.error());
  TextTable table({"ID", "MODEL", "STATUS", "PROGRESS", "CPU", "ATTEMPTS", "VERSION", "SUBMITTED", "ERROR"});
  for (const auto& j : (*r)["jobs"]) {
    table.add({text(j["id"]), text(j["model_name"]), text(j["status"]),
               std::to_string(static_cast<int>(j.value("progress", 0.0) * 100)) + "%", text(j["cpu_request"]),
               text(j["attempts"]), text(j["model_version"]), text(j["submitted_at"]),
               j.value("error", nlohmann::json()).is_null() ? "" : TextTable::cut(text(j["error"]), 60)});
  }
  table.print();
  std::fprintf(stderr, "chatdb jobs ID shows a job with its whole error\n");
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
  auto r = registry.get("/registered-models/" + percent_encode(name) + "/versions");
  if (!r.ok()) return fail(r.error());
  TextTable table({"VERSION", "STATUS", "ALGORITHM", "TARGET", "METRICS", "JOB", "DIGEST"});
  nlohmann::json latest_features;
  std::string latest_version;
  for (const auto& v : (*r)["model_versions"]) {
    nlohmann::json metadata = v.value("metadata", nlohmann::json::object());
    if (!metadata.is_object()) metadata = nlohmann::json::object();
    nlohmann::json target = metadata.value("target", nlohmann::json::object());
    std::string target_text = target.is_object() && target.contains("name")
                                  ? text(target["name"]) + " (" + text(target.value("task", nlohmann::json("?"))) + ")"
                                  : "-";
    table.add({text(v["version"]), text(v["status"]), text(metadata.value("algorithm", nlohmann::json())), target_text,
               display_metrics(metadata.value("metrics", nlohmann::json())), text(v.value("job_id", nlohmann::json())),
               text(v["artifact_sha256"]).substr(0, 12)});
    if (metadata.contains("features")) {  // versions come oldest first: keep the newest's
      latest_features = metadata["features"];
      latest_version = text(v["version"]);
    }
  }
  table.print();
  if (latest_features.is_array() && !latest_features.empty()) {
    std::string names;
    for (const auto& f : latest_features) {
      names += (names.empty() ? "" : ", ") + text(f.value("name", nlohmann::json())) + " (" + text(f.value("type", nlohmann::json())) + ")";
    }
    std::printf("features of version %s: %s\n", latest_version.c_str(), names.c_str());
  }
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

}  // namespace

Command add_train(CLI::App& app) {
  struct Options {
    std::string model, dataset, target, task = "auto", algorithm = "xgboost";
    double cpu = 1;
    int priority = 0;
    std::vector<std::string> params;
    bool no_wait = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("train", "Submit a training job and follow it with a progress bar");
  cmd->add_option("--model", o->model, "name of the model to train")->required();
  cmd->add_option("--dataset", o->dataset, "s3://BUCKET/KEY, file://PATH (under the dataset root) or table://SOURCE/TABLE")->required();
  cmd->add_option("--cpu", o->cpu, "CPUs the job needs")->capture_default_str();
  cmd->add_option("--target", o->target, "target column (default: target, label, or the last column)");
  cmd->add_option("--task", o->task, "classification, regression or auto")->capture_default_str();
  cmd->add_option("--algorithm", o->algorithm, "xgboost or linear")->capture_default_str();
  cmd->add_option("--priority", o->priority, "higher runs first")->capture_default_str();
  cmd->add_option("--param", o->params, "training parameter NAME=VALUE (repeatable), e.g. max_depth=4");
  cmd->add_flag("--no-wait", o->no_wait, "print the submitted job and return");
  return {cmd, [o](Config config) {
            TrainOptions options;
            options.job = {{"model_name", o->model}, {"dataset_location", o->dataset}, {"cpu_request", o->cpu},
                           {"task", o->task},        {"algorithm", o->algorithm},      {"priority", o->priority},
                           {"params", parse_params(o->params)}};
            if (!o->target.empty()) options.job["target"] = o->target;
            options.wait = !o->no_wait;
            return train(config, options);
          }};
}

Command add_jobs(CLI::App& app) {
  struct Options {
    std::string id, status, model;
    bool cancel = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("jobs", "List training jobs, show one, or cancel one");
  cmd->add_option("id", o->id, "a job id: show it");
  cmd->add_option("--status", o->status, "only jobs in this state");
  cmd->add_option("--model", o->model, "only jobs of this model");
  cmd->add_flag("--cancel", o->cancel, "cancel the job given by id");
  return {cmd, [o](Config config) { return jobs(config, o->id, o->status, o->model, o->cancel); }};
}

Command add_models(CLI::App& app) {
  auto name = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("models", "List registered models, or one model's versions");
  cmd->add_option("name", *name, "a model: list its versions");
  return {cmd, [name](Config config) { return models(config, *name); }};
}

Command add_predict(CLI::App& app) {
  struct Options {
    std::string model, version, alias, instances = "-";
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("predict", "Predict with a registered model");
  cmd->add_option("--model", o->model, "the registered model")->required();
  cmd->add_option("--version", o->version, "a version number (default: the latest ready one)");
  cmd->add_option("--alias", o->alias, "an alias such as production");
  cmd->add_option("instances", o->instances, "JSON file of instances ([{feature: value}, ...]); - for stdin")->capture_default_str();
  return {cmd, [o](Config config) { return predict(config, o->model, o->version, o->alias, o->instances); }};
}

}  // namespace chatdb::cli
