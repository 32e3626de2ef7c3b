// chatdb: one binary, every service. This file parses the command line and wires the object
// graph of each subcommand where it can be read; the services live in their own libraries.

#include "artifacts/artifact_store_factory.h"
#include "auth/authenticator.h"
#include "auth/token.h"
#include "bus/message_bus_factory.h"
#include "cli/key_commands.h"
#include "cli/ml_commands.h"
#include "common/build_info.h"
#include "console/console.h"
#include "common/config.h"
#include "common/json_parse.h"
#include "common/logger.h"
#include "metadata/metadata_store_factory.h"
#include "metadata/schema_migrator.h"
#include "ml_engine/ml_engine.h"
#include "ml_engine/table_csv_export.h"
#include "model_registry/model_registry.h"
#include "nl2sql/catalog.h"
#include "nl2sql/data_source_factory.h"
#include "nl2sql/demo_database.h"
#include "nl2sql/query_engine.h"
#include "nl2sql/sqlite_source.h"
#include "orchestrator/training_orchestrator.h"
#include "query_parser/query_parser.h"
#include "runtime/service_host.h"
#include "test_service/test_service.h"
#include "tracing/tracing_setup.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <thread>

namespace {

using namespace chatdb;

std::vector<std::string> service_names() {
  return {std::string(orchestrator::TrainingOrchestrator::kName), std::string(test_service::TestService::kName),
          std::string(query_parser::QueryParser::kName), std::string(ml_engine::MlEngine::kName),
          std::string(model_registry::ModelRegistry::kName), std::string(console::Console::kName)};
}

// The data sources of this process: CHATDB_DATA_SOURCES, a --database URL (named "cli") and
// the generated demo in embedded mode (local bus), or when nothing else is configured and
// `demo_when_empty`. The query parser asks them questions; the ml-engine trains on their
// tables (table://) and never generates the demo itself outside embedded mode.
std::shared_ptr<nl2sql::Catalog> make_catalog(const Config& config, const std::string& database_url, bool demo_when_empty) {
  auto catalog = std::make_shared<nl2sql::Catalog>();
  if (Status s = nl2sql::add_data_sources(*catalog, config.data_sources); !s) throw ConfigError("CHATDB_DATA_SOURCES: " + s.error().message);
  if (!database_url.empty()) {
    auto source = nl2sql::open_data_source(database_url);
    if (!source) throw ConfigError("--database: " + source.error().message);
    catalog->add("cli", *source);
  }
  bool embedded = config.kafka_bootstrap_servers == "local://";
  if (!catalog->contains("demo") && database_url.empty() && (embedded || (demo_when_empty && catalog->names().empty()))) {
    std::string path = config.data_dir + "/demo.db";
    if (Status s = nl2sql::DemoDatabase::ensure(path); !s) throw ConfigError("demo database: " + s.error().message);
    catalog->add("demo", std::make_shared<nl2sql::SqliteSource>(path));
  }
  return catalog;
}

std::shared_ptr<nl2sql::QueryEngine> make_query_engine(const Config& config, const std::string& database_url,
                                                       const nl2sql::LlmOptions& llm = {}) {
  auto catalog = make_catalog(config, database_url, true);
  std::shared_ptr<nl2sql::LlmBackend> backend;
  if (!llm.base_url.empty()) backend = std::make_shared<nl2sql::LlmBackend>(llm);
  return std::make_shared<nl2sql::QueryEngine>(catalog, nl2sql::EngineOptions{},
                                               [] { return std::chrono::system_clock::now(); }, backend);
}

// The backends of one process, each chosen by the scheme of its URL and shared by every
// service the process runs (in `chatdb up` the in-process bus must be one instance).
struct Backends {
  std::shared_ptr<metadata::MetadataStore> metadata;
  std::shared_ptr<bus::MessageBus> bus;
  std::shared_ptr<artifacts::ArtifactStore> artifacts;
};

Backends make_backends(const Config& config) {
  Backends b;
  auto store = metadata::make_metadata_store(config.database_url);
  if (!store) throw ConfigError("DATABASE_URL: " + store.error().message);
  b.metadata = std::move(store.value());
  b.bus = bus::make_message_bus(config.kafka_bootstrap_servers);
  auto artifact_store = artifacts::make_artifact_store(config);
  if (!artifact_store) throw ConfigError("artifact store: " + artifact_store.error().message);
  b.artifacts = std::move(artifact_store.value());
  return b;
}

// Brings the metadata schema up to date before any service uses it. A database that is still
// starting (a pod beside its PostgreSQL) gets a minute; then start-up fails with the reason.
void migrate_schema(metadata::MetadataStore& store) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (true) {
    auto applied = metadata::SchemaMigrator::migrate(store);
    if (applied.ok()) {
      if (applied.value() > 0) Logger::info("schema migrated", {{"applied", applied.value()}});
      return;
    }
    if (!applied.error().retryable || std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("cannot migrate the metadata schema: " + applied.error().message);
    }
    Logger::warn("metadata store not reachable yet; retrying", {{"error", applied.error().message}});
    std::this_thread::sleep_for(std::chrono::seconds(2));
  }
}

// The one factory of services: a name in, its component with its dependencies out.
std::shared_ptr<runtime::Service> make_service(const std::string& name, const Config& config, const Backends& backends) {
  if (name == orchestrator::TrainingOrchestrator::kName) {
    orchestrator::OrchestratorOptions options;
    options.cpu_capacity = config.cpu_capacity > 0 ? config.cpu_capacity : std::max(1u, std::thread::hardware_concurrency());
    options.training_topic = config.training_topic;
    options.job_events_topic = config.job_events_topic;
    options.policy.lease_ms = config.job_lease_ms;
    return std::make_shared<orchestrator::TrainingOrchestrator>(backends.metadata, backends.bus, options);
  }
  if (name == query_parser::QueryParser::kName) {
    return std::make_shared<query_parser::QueryParser>(make_query_engine(config, ""),
                                                       query_parser::AsyncTopics{backends.bus, config.query_topic, config.result_topic});
  }
  if (name == ml_engine::MlEngine::kName) {
    ml_engine::MlEngineOptions options;
    options.training_topic = config.training_topic;
    options.job_events_topic = config.job_events_topic;
    options.prediction_topic = config.prediction_topic;
    options.model_events_topic = config.model_events_topic;
    options.orchestrator_url = config.training_orchestrator_url;
    options.registry_url = config.model_registry_url;
    options.dependency_wait.budget = std::chrono::seconds(config.dependency_retry_budget_s);
    options.datasets = {config.dataset_root, config.s3_endpoint, config.aws_access_key_id, config.aws_secret_access_key, {},
                        ml_engine::TableCsvExport(make_catalog(config, "", false), 1'000'000)};
    // Short calls fail fast and a failing peer opens its circuit; artifact transfers ask for longer.
    http::ClientOptions client_options{std::chrono::seconds(2), std::chrono::seconds(5)};
    client_options.bearer_token = config.api_key;
    auto client = std::make_shared<http::Client>(client_options);
    return std::make_shared<ml_engine::MlEngine>(options, backends.bus, client);
  }
  if (name == console::Console::kName) return console::make_console(config);
  if (name == model_registry::ModelRegistry::kName) {
    return std::make_shared<model_registry::ModelRegistry>(backends.metadata, backends.artifacts, backends.bus,
                                                           config.model_events_topic);
  }
  if (name == test_service::TestService::kName) {
    std::vector<test_service::Target> targets = {
        {std::string(orchestrator::TrainingOrchestrator::kName), config.training_orchestrator_url},
        {std::string(query_parser::QueryParser::kName), config.query_parser_url},
        {std::string(ml_engine::MlEngine::kName), config.ml_engine_url},
        {std::string(model_registry::ModelRegistry::kName), config.model_registry_url}};
    return std::make_shared<test_service::TestService>(targets, std::chrono::milliseconds(config.probe_interval_ms));
  }
  throw ConfigError("unknown service '" + name + "'");
}

http::ServerOptions server_options(const Config& c) {
  http::ServerOptions o;
  o.threads = c.http_threads;
  o.body_limit = c.max_body_bytes;
  o.idle_timeout = std::chrono::milliseconds(c.idle_timeout_ms);
  o.read_timeout = std::chrono::milliseconds(c.read_timeout_ms);
  return o;
}

// Adds one flag per setting; the flag wins over the environment variable of the same setting.
void add_setting_flags(CLI::App& app, std::map<std::string, std::string>& flag_values) {
  for (const auto& s : Config::settings()) {
    std::string help = s.help + " [env " + s.env + (s.default_value.empty() ? "" : ", default " + s.default_value) + "]";
    app.add_option("--" + s.flag, flag_values[s.env], help)->group("Settings");
  }
}

Config load_config(const CLI::App& app, const std::map<std::string, std::string>& flag_values) {
  auto values = Config::environment_values();
  for (const auto& s : Config::settings()) {
    if (app.count("--" + s.flag) > 0) values[s.env] = flag_values.at(s.env);
  }
  Config config = Config::from_values(values);
  Logger::set_level(config.log_level);
  return config;
}

// postgresql://user:secret@host/db -> postgresql://user:***@host/db: banners end up in logs.
std::string redact_password(const std::string& url) {
  auto scheme = url.find("://");
  auto at = url.find('@');
  if (scheme == std::string::npos || at == std::string::npos) return url;
  auto colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

void print_banner(const Config& config, const std::vector<std::pair<std::string, std::uint16_t>>& bound,
                  auth::Authenticator& authenticator) {
  std::string host = config.host == "0.0.0.0" ? "127.0.0.1" : config.host;
  std::printf("ChatDB %s is up (%zu service%s, metadata %s, bus %s)\n", BuildInfo::version(), bound.size(),
              bound.size() == 1 ? "" : "s", redact_password(config.database_url).c_str(),
              config.kafka_bootstrap_servers.c_str());
  for (const auto& [name, port] : bound) {
    std::printf("  %-22s http://%s:%u\n", name.c_str(), host.c_str(), port);
  }
  if (authenticator.enforcing()) {
    std::printf("API keys: %zu in %s; every request but /health, /ready and /metrics needs Authorization: Bearer TOKEN\n",
                authenticator.key_count(), config.api_keys_file.c_str());
  } else {
    std::printf("no API keys: every request is allowed; create one with chatdb keys create\n");
  }
  std::printf("Try:\n");
  for (const auto& [name, port] : bound) {
    if (name == test_service::TestService::kName) {
      std::printf("  curl http://%s:%u/            # status of every service\n", host.c_str(), port);
    }
    if (name == query_parser::QueryParser::kName) {
      std::printf("  chatdb ask \"which country has the most customers?\"\n");
    }
    if (name == orchestrator::TrainingOrchestrator::kName) {
      std::printf("  chatdb train --model churn --dataset file://demo/churn.csv\n");
    }
  }
  if (!bound.empty()) {
    std::printf("  curl http://%s:%u/health\n  curl http://%s:%u/metrics\n", host.c_str(), bound.front().second,
                host.c_str(), bound.front().second);
  }
  std::printf("Stop with Ctrl-C.\n");
  std::fflush(stdout);
}

// A result table for a terminal: one line per row, cells cut at 40 characters.
void print_rows(const nl2sql::Rows& rows) {
  auto cell = [](const nlohmann::json& v) {
    std::string s = v.is_string() ? v.get<std::string>() : v.is_null() ? "NULL" : v.dump();
    return s.size() > 40 ? s.substr(0, 37) + "..." : s;
  };
  std::vector<std::size_t> width;
  for (const auto& c : rows.columns) width.push_back(c.size());
  for (const auto& r : rows.rows) {
    for (std::size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], cell(r[i]).size());
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      out += (i ? " | " : "") + cells[i] + std::string(width[i] - std::min(width[i], cells[i].size()), ' ');
    }
    std::printf("%s\n", out.c_str());
  };
  line(rows.columns);
  std::vector<std::string> rule;
  for (auto w : width) rule.push_back(std::string(w, '-'));
  line(rule);
  for (const auto& r : rows.rows) {
    std::vector<std::string> cells;
    for (const auto& v : r) cells.push_back(cell(v));
    line(cells);
  }
  std::printf("(%zu row%s%s, %.1f ms)\n", rows.rows.size(), rows.rows.size() == 1 ? "" : "s",
              rows.truncated ? ", truncated" : "", rows.elapsed_ms);
}

int ask(const Config& config, const std::string& question, const std::string& database_url, const nl2sql::LlmOptions& llm) {
  auto engine = make_query_engine(config, database_url, llm);
  auto result = engine->query(question, database_url.empty() ? "" : "cli");
  if (!result) {
    std::fprintf(stderr, "chatdb: %s\n", result.error().message.c_str());
    return 1;
  }
  const auto& answer = result->parsed.answer;
  if (answer.sql.empty()) {
    std::printf("%s\n", answer.clarification.c_str());
  } else {
    std::printf("%s\n-- %s (confidence %.2f)\n\n", answer.sql.c_str(), answer.explanation.c_str(), answer.confidence);
    print_rows(result->rows);
  }
  if (!answer.alternatives.empty()) std::printf("\n%s:\n", answer.sql.empty() ? "Readings" : "Other readings");
  for (std::size_t i = 0; i < answer.alternatives.size(); ++i) {
    const auto& alt = answer.alternatives[i];
    std::printf("  %zu. %s\n     %s (confidence %.2f)\n", i + 1, alt.explanation.c_str(), alt.sql.c_str(), alt.confidence);
  }
  return 0;
}

// Reads {"id", "question"} lines and writes {"id", "sql"} lines ("sql": null when abstaining);
// with --timings, one {"id", "ms"} line per question to that file.
int parse_batch(const Config& config, const std::string& database_url, const std::string& batch, const std::string& timings,
                const nl2sql::LlmOptions& llm) {
  auto engine = make_query_engine(config, database_url, llm);
  std::string database = database_url.empty() ? engine->catalog().default_name() : "cli";
  if (auto k = engine->catalog().knowledge(database); !k) throw ConfigError(k.error().message);
  std::ifstream in(batch);
  if (!in) throw ConfigError("cannot read --batch file " + batch);
  std::ofstream timing_out;
  if (!timings.empty()) timing_out.open(timings);
  std::string line;
  int answered = 0, total = 0;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto item = parse_json_or_discarded(line);
    if (item.is_discarded() || !item.is_object() || !item.contains("id") || !item.value("question", nlohmann::json()).is_string()) {
      std::fprintf(stderr, "chatdb: skipping a line that is not {\"id\", \"question\"}: %.80s\n", line.c_str());
      continue;
    }
    auto started = std::chrono::steady_clock::now();
    auto parsed = engine->parse(item["question"].get<std::string>(), database);
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    bool answered_here = parsed && !parsed->answer.sql.empty();
    nlohmann::json out = {{"id", item["id"]}, {"sql", answered_here ? nlohmann::json(parsed->answer.sql) : nlohmann::json()}};
    if (answered_here) out["confidence"] = parsed->answer.confidence;
    std::printf("%s\n", out.dump().c_str());
    if (timing_out) timing_out << nlohmann::json{{"id", item["id"]}, {"ms", ms}}.dump() << "\n";
    ++total;
    answered += answered_here ? 1 : 0;
  }
  std::fprintf(stderr, "chatdb: answered %d of %d questions\n", answered, total);
  return 0;
}

// Requests need a key once the keys file holds one. A file that cannot be read stops start-up
// (allowing everything instead would be the wrong way to fail). In `chatdb up` (`embedded`)
// the services call each other with a token of this process only, an admin key that is never
// written anywhere, so they keep working whatever keys are created or revoked meanwhile.
std::shared_ptr<auth::Authenticator> make_authenticator(Config& config, bool embedded) {
  auth::KeyFile file(config.api_keys_file);
  if (auto keys = file.read(); !keys) throw ConfigError("CHATDB_API_KEYS_FILE: " + keys.error().message);
  auto authenticator = std::make_shared<auth::Authenticator>(std::move(file));
  if (embedded) {
    config.api_key = auth::new_token();
    authenticator->add_process_key(auth::ApiKey{"chatdb-internal", auth::token_hash(config.api_key), {auth::Scope::kAdmin}, ""});
  }
  return authenticator;
}

int serve(Config config, const std::vector<std::string>& names, bool embedded) {
  tracing::TracingSetup tracing(tracing::TracingConfig::from_environment());  // OTEL_* variables
  auto authenticator = make_authenticator(config, embedded);
  Backends backends = make_backends(config);
  bool needs_metadata = std::any_of(names.begin(), names.end(), [](const std::string& n) {
    return n == orchestrator::TrainingOrchestrator::kName || n == model_registry::ModelRegistry::kName;
  });
  if (needs_metadata) migrate_schema(*backends.metadata);
  runtime::ServiceHost host(server_options(config), authenticator);
  std::vector<std::pair<std::string, std::uint16_t>> bound;
  for (const auto& name : names) {
    bound.emplace_back(name, host.add(make_service(name, config, backends), config.host, config.port_of(name)));
  }
  print_banner(config, bound, *authenticator);
  host.run();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"ChatDB: ask your databases in plain language; train, register and serve tabular models."};
  app.require_subcommand(1);
  std::map<std::string, std::string> flag_values;

  auto* up = app.add_subcommand("up", "Run all five services in one process (embedded mode)");
  add_setting_flags(*up, flag_values);

  auto* serve_cmd = app.add_subcommand("serve", "Run one service (distributed mode)");
  std::string service_name;
  serve_cmd->add_option("service", service_name, "the service to run")->required()->check(CLI::IsMember(service_names()));
  add_setting_flags(*serve_cmd, flag_values);

  auto* version = app.add_subcommand("version", "Print the version and build");

  std::string question, database_url, batch_file, timings_file;
  nl2sql::LlmOptions llm;
  auto* ask_cmd = app.add_subcommand("ask", "Ask a question of a database; prints the SQL and the rows");
  ask_cmd->add_option("question", question, "the question, in plain language")->required();
  auto* parse_cmd = app.add_subcommand("parse", "Turn a batch of questions into SQL without running it");
  parse_cmd->add_option("--batch", batch_file, "file of {\"id\", \"question\"} JSON lines")->required();
  parse_cmd->add_option("--timings", timings_file, "write {\"id\", \"ms\"} parse latencies to this file");
  for (auto* cmd : {ask_cmd, parse_cmd}) {
    cmd->add_option("--database", database_url, "sqlite://PATH or postgresql://... (default: the demo database)");
    cmd->add_option("--llm-url", llm.base_url, "OpenAI-compatible API root for questions the rules cannot answer (off by default)");
    cmd->add_option("--llm-model", llm.model, "model name for --llm-url");
    add_setting_flags(*cmd, flag_values);
  }

  // The ML tools talk to running services (URLs from the same settings as the services).
  cli::TrainOptions train_options;
  std::string model, dataset, target, task = "auto", algorithm = "xgboost";
  double cpu = 1;
  int priority = 0;
  std::vector<std::string> params;
  bool no_wait = false;
  auto* train_cmd = app.add_subcommand("train", "Submit a training job and follow it with a progress bar");
  train_cmd->add_option("--model", model, "name of the model to train")->required();
  train_cmd->add_option("--dataset", dataset, "s3://BUCKET/KEY, file://PATH (under the dataset root) or table://SOURCE/TABLE")->required();
  train_cmd->add_option("--cpu", cpu, "CPUs the job needs")->capture_default_str();
  train_cmd->add_option("--target", target, "target column (default: target, label, or the last column)");
  train_cmd->add_option("--task", task, "classification, regression or auto")->capture_default_str();
  train_cmd->add_option("--algorithm", algorithm, "xgboost or linear")->capture_default_str();
  train_cmd->add_option("--priority", priority, "higher runs first")->capture_default_str();
  train_cmd->add_option("--param", params, "training parameter NAME=VALUE (repeatable), e.g. max_depth=4");
  train_cmd->add_flag("--no-wait", no_wait, "print the submitted job and return");

  std::string job_id, job_status, job_model;
  bool cancel = false;
  auto* jobs_cmd = app.add_subcommand("jobs", "List training jobs, show one, or cancel one");
  jobs_cmd->add_option("id", job_id, "a job id: show it");
  jobs_cmd->add_option("--status", job_status, "only jobs in this state");
  jobs_cmd->add_option("--model", job_model, "only jobs of this model");
  jobs_cmd->add_flag("--cancel", cancel, "cancel the job given by id");

  std::string model_name;
  auto* models_cmd = app.add_subcommand("models", "List registered models, or one model's versions");
  models_cmd->add_option("name", model_name, "a model: list its versions");

  std::string predict_model, predict_version, predict_alias, instances = "-";
  auto* predict_cmd = app.add_subcommand("predict", "Predict with a registered model");
  predict_cmd->add_option("--model", predict_model, "the registered model")->required();
  predict_cmd->add_option("--version", predict_version, "a version number (default: the latest ready one)");
  predict_cmd->add_option("--alias", predict_alias, "an alias such as production");
  predict_cmd->add_option("instances", instances, "JSON file of instances ([{feature: value}, ...]); - for stdin")
      ->capture_default_str();
  for (auto* cmd : {train_cmd, jobs_cmd, models_cmd, predict_cmd}) add_setting_flags(*cmd, flag_values);

  std::string key_name, key_scopes;
  auto* keys_cmd = app.add_subcommand("keys", "Create, list or revoke API keys (the keys file: CHATDB_API_KEYS_FILE)");
  keys_cmd->require_subcommand(1);
  auto* keys_create_cmd = keys_cmd->add_subcommand("create", "Add a key and print its token, the only time it is shown");
  keys_create_cmd->add_option("name", key_name, "the key's name (letters, digits, '.', '_', '-')")->required();
  keys_create_cmd->add_option("--scopes", key_scopes, "read, write and/or admin, comma-separated (admin implies write implies read)")
      ->required();
  auto* keys_list_cmd = keys_cmd->add_subcommand("list", "List the keys (names, scopes, creation times; never tokens)");
  auto* keys_revoke_cmd = keys_cmd->add_subcommand("revoke", "Remove a key; running services refuse it within seconds");
  keys_revoke_cmd->add_option("name", key_name, "the key's name")->required();
  for (auto* cmd : {keys_create_cmd, keys_list_cmd, keys_revoke_cmd}) add_setting_flags(*cmd, flag_values);

  CLI11_PARSE(app, argc, argv);
  try {
    if (version->parsed()) {
      std::printf("chatdb %s (commit %s)\n", BuildInfo::version(), BuildInfo::commit());
      return 0;
    }
    if (ask_cmd->parsed()) return ask(load_config(*ask_cmd, flag_values), question, database_url, llm);
    if (parse_cmd->parsed()) return parse_batch(load_config(*parse_cmd, flag_values), database_url, batch_file, timings_file, llm);
    if (train_cmd->parsed()) {
      train_options.job = {{"model_name", model}, {"dataset_location", dataset}, {"cpu_request", cpu}, {"task", task},
                           {"algorithm", algorithm}, {"priority", priority}, {"params", cli::parse_params(params)}};
      if (!target.empty()) train_options.job["target"] = target;
      train_options.wait = !no_wait;
      return cli::train(load_config(*train_cmd, flag_values), train_options);
    }
    if (jobs_cmd->parsed()) return cli::jobs(load_config(*jobs_cmd, flag_values), job_id, job_status, job_model, cancel);
    if (models_cmd->parsed()) return cli::models(load_config(*models_cmd, flag_values), model_name);
    if (predict_cmd->parsed()) {
      return cli::predict(load_config(*predict_cmd, flag_values), predict_model, predict_version, predict_alias, instances);
    }
    if (keys_create_cmd->parsed()) return cli::keys_create(load_config(*keys_create_cmd, flag_values), key_name, key_scopes);
    if (keys_list_cmd->parsed()) return cli::keys_list(load_config(*keys_list_cmd, flag_values));
    if (keys_revoke_cmd->parsed()) return cli::keys_revoke(load_config(*keys_revoke_cmd, flag_values), key_name);
    if (up->parsed()) return serve(load_config(*up, flag_values), service_names(), true);
    if (serve_cmd->parsed()) return serve(load_config(*serve_cmd, flag_values), {service_name}, false);
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "chatdb: configuration error: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "chatdb: %s\n", e.what());
    return 1;
  }
  return 0;
}
