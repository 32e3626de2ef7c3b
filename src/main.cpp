// chatdb: one binary, every service. This file wires the object graph of each service and
// subcommand where it can be read; the services and the commands live in their own libraries.

#include "artifacts/artifact_store_factory.h"
#include "auth/authenticator.h"
#include "auth/token.h"
#include "bus/message_bus_factory.h"
#include "cli/banner.h"
#include "cli/command.h"
#include "cli/key_commands.h"
#include "cli/ml_commands.h"
#include "cli/query_commands.h"
#include "common/build_info.h"
#include "console/console.h"
#include "common/config.h"
#include "common/time.h"
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
#include <functional>
#include <memory>
#include <thread>

namespace {

using namespace chatdb;

// `chatdb up` runs every service in this process on embedded backends; `chatdb serve` one.
enum class Mode { kEmbedded, kDistributed };

// The data sources of this process: CHATDB_DATA_SOURCES, a --database URL (named "cli") and
// the generated demo in embedded mode, or when nothing else is configured and
// `demo_when_empty`. The query parser asks them questions; the ml-engine trains on their
// tables (table://) and never generates the demo itself outside embedded mode.
std::shared_ptr<nl2sql::Catalog> make_catalog(const Config& config, const std::string& database_url, Mode mode,
                                              bool demo_when_empty) {
  auto catalog = std::make_shared<nl2sql::Catalog>();
  if (Status s = nl2sql::add_data_sources(*catalog, config.data_sources); !s) throw ConfigError("CHATDB_DATA_SOURCES: " + s.error().message);
  if (!database_url.empty()) {
    auto source = nl2sql::open_data_source(database_url);
    if (!source) throw ConfigError("--database: " + source.error().message);
    catalog->add("cli", *source);
  }
  bool embedded = mode == Mode::kEmbedded;
  if (!catalog->contains("demo") && database_url.empty() && (embedded || (demo_when_empty && catalog->names().empty()))) {
    std::string path = config.data_dir + "/demo.db";
    if (Status s = nl2sql::DemoDatabase::ensure(path); !s) throw ConfigError("demo database: " + s.error().message);
    catalog->add("demo", std::make_shared<nl2sql::SqliteSource>(path));
  }
  return catalog;
}

std::shared_ptr<nl2sql::QueryEngine> make_query_engine(const Config& config, const std::string& database_url, Mode mode,
                                                       const nl2sql::LlmOptions& llm) {
  auto catalog = make_catalog(config, database_url, mode, true);
  std::shared_ptr<nl2sql::LlmBackend> backend;
  if (!llm.base_url.empty()) backend = std::make_shared<nl2sql::LlmBackend>(llm);
  return std::make_shared<nl2sql::QueryEngine>(catalog, nl2sql::EngineOptions{}, system_clock(), backend);
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
  b.bus = bus::make_message_bus(config.bus_url);
  auto artifact_store = artifacts::make_artifact_store(config);
  if (!artifact_store) throw ConfigError("artifact store: " + artifact_store.error().message);
  b.artifacts = std::move(artifact_store.value());
  return b;
}

// The services: adding one is one entry. `needs_metadata` migrates the schema before it starts;
// `try_line` is its line under "Try:" in the banner ({url} is where it listens).
struct ServiceEntry {
  std::string name;
  bool needs_metadata;
  std::function<std::shared_ptr<runtime::Service>(const Config&, const Backends&, Mode)> build;
  std::string try_line;
};

const std::vector<ServiceEntry>& service_table() {
  static const std::vector<ServiceEntry> table = {
      {std::string(orchestrator::TrainingOrchestrator::kName), true,
       [](const Config& config, const Backends& backends, Mode) {
         orchestrator::OrchestratorOptions options;
         options.cpu_capacity = config.cpu_capacity > 0 ? config.cpu_capacity : std::max(1u, std::thread::hardware_concurrency());
         options.training_topic = config.training_topic;
         options.job_events_topic = config.job_events_topic;
         options.policy.lease_ms = config.job_lease_ms;
         return std::make_shared<orchestrator::TrainingOrchestrator>(backends.metadata, backends.bus, options);
       },
       "chatdb train --model churn --dataset file://demo/churn.csv"},
      {std::string(test_service::TestService::kName), false,
       [](const Config& config, const Backends&, Mode) {
         std::vector<test_service::Target> targets;
         for (const auto& s : service_table()) {
           if (s.name != test_service::TestService::kName && s.name != console::Console::kName) targets.push_back({s.name, config.url_of(s.name)});
         }
         return std::make_shared<test_service::TestService>(targets, std::chrono::milliseconds(config.probe_interval_ms));
       },
       "curl {url}/            # status of every service"},
      {std::string(query_parser::QueryParser::kName), false,
       [](const Config& config, const Backends& backends, Mode mode) {
         return std::make_shared<query_parser::QueryParser>(
             make_query_engine(config, "", mode, {}), query_parser::AsyncTopics{backends.bus, config.query_topic, config.result_topic});
       },
       "chatdb ask \"which country has the most customers?\""},
      {std::string(ml_engine::MlEngine::kName), false,
       [](const Config& config, const Backends& backends, Mode mode) {
         ml_engine::MlEngineOptions options;
         options.training_topic = config.training_topic;
         options.job_events_topic = config.job_events_topic;
         options.prediction_topic = config.prediction_topic;
         options.model_events_topic = config.model_events_topic;
         options.dependency_wait.budget = std::chrono::seconds(config.dependency_retry_budget_s);
         options.orchestrator_url = config.training_orchestrator_url;
         options.registry_url = config.model_registry_url;
         options.datasets = {config.dataset_root, config.s3_endpoint, config.aws_access_key_id, config.aws_secret_access_key, {},
                             ml_engine::TableCsvExport(make_catalog(config, "", mode, false), 1'000'000)};
         // Short calls fail fast and a failing peer opens its circuit; artifact transfers ask for longer.
         http::ClientOptions client_options{std::chrono::seconds(2), std::chrono::seconds(5)};
         client_options.bearer_token = config.api_key;
         return std::make_shared<ml_engine::MlEngine>(options, backends.bus, std::make_shared<http::Client>(client_options));
       },
       ""},
      {std::string(model_registry::ModelRegistry::kName), true,
       [](const Config& config, const Backends& backends, Mode) {
         return std::make_shared<model_registry::ModelRegistry>(backends.metadata, backends.artifacts, backends.bus,
                                                                config.model_events_topic);
       },
       ""},
      {std::string(console::Console::kName), false,
       [](const Config& config, const Backends&, Mode) { return console::make_console(config); },
       "open {url}/ in a browser  # the web console"},
  };
  return table;
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

// Runs the named services (every one in `chatdb up`) in this process until a signal stops it.
int serve(Config config, const std::string& only, Mode mode) {
  tracing::TracingSetup tracing(tracing::TracingConfig::from_environment());  // OTEL_* variables
  auto authenticator = make_authenticator(config, mode == Mode::kEmbedded);
  Backends backends = make_backends(config);
  std::vector<const ServiceEntry*> chosen;
  for (const auto& s : service_table()) {
    if (only.empty() || s.name == only) chosen.push_back(&s);
  }
  if (std::any_of(chosen.begin(), chosen.end(), [](const ServiceEntry* s) { return s->needs_metadata; })) {
    // A database that is still starting (a pod beside its PostgreSQL) gets a minute.
    auto applied = metadata::SchemaMigrator::migrate_when_reachable(*backends.metadata, std::chrono::seconds(60));
    if (!applied) throw std::runtime_error("cannot migrate the metadata schema: " + applied.error().message);
  }
  http::ServerOptions options;
  options.threads = config.http_threads;
  options.body_limit = config.max_body_bytes;
  options.idle_timeout = std::chrono::milliseconds(config.idle_timeout_ms);
  options.read_timeout = std::chrono::milliseconds(config.read_timeout_ms);
  runtime::ServiceHost host(options, authenticator);
  std::vector<cli::BannerLine> banner;
  for (const auto* s : chosen) {
    banner.push_back({s->name, host.add(s->build(config, backends, mode), config.host, config.port_of(s->name)), s->try_line});
  }
  cli::print_banner(config, banner, *authenticator);
  host.run();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"ChatDB: ask your databases in plain language; train, register and serve tabular models."};
  app.require_subcommand(1);
  std::vector<std::string> names;
  for (const auto& s : service_table()) names.push_back(s.name);
  // `chatdb ask --local` and `chatdb parse` answer in this process, with the demo when nothing else is configured.
  auto local_engine = [](const Config& config, const std::string& url, const nl2sql::LlmOptions& llm) {
    return make_query_engine(config, url, Mode::kDistributed, llm);
  };
  std::string service_name;
  auto* up = app.add_subcommand("up", "Run every service and the web console in one process (embedded mode)");
  auto* serve_cmd = app.add_subcommand("serve", "Run one service (distributed mode)");
  serve_cmd->add_option("service", service_name, "the service to run")->required()->check(CLI::IsMember(names));
  auto* version = app.add_subcommand("version", "Print the version and build");

  std::vector<cli::Command> commands = {
      {up, [](Config config) { return serve(std::move(config), "", Mode::kEmbedded); }},
      {serve_cmd, [&](Config config) { return serve(std::move(config), service_name, Mode::kDistributed); }},
      cli::add_ask(app, local_engine),
      cli::add_parse(app, local_engine),
      cli::add_train(app),
      cli::add_jobs(app),
      cli::add_models(app),
      cli::add_predict(app)};
  for (auto& command : cli::add_keys(app)) commands.push_back(std::move(command));
  cli::SettingFlags flags;
  for (auto& command : commands) flags.add_to(*command.app);

  CLI11_PARSE(app, argc, argv);
  if (version->parsed()) {
    std::printf("chatdb %s (commit %s)\n", BuildInfo::version(), BuildInfo::commit());
    return 0;
  }
  try {
    for (auto& command : commands) {
      if (command.app->parsed()) return command.run(flags.load(*command.app));
    }
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "chatdb: configuration error: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "chatdb: %s\n", e.what());
    return 1;
  }
  return 0;
}
