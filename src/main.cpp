// chatdb: one binary, every service. This file parses the command line and wires the object
// graph of each subcommand where it can be read; the services live in their own libraries.

#include "common/config.h"
#include "common/logger.h"
#include "ml_engine/ml_engine.h"
#include "model_registry/model_registry.h"
#include "orchestrator/training_orchestrator.h"
#include "query_parser/query_parser.h"
#include "runtime/service_host.h"
#include "test_service/test_service.h"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>
#include <map>
#include <memory>

namespace {

using namespace chatdb;

std::vector<std::string> service_names() {
  return {std::string(orchestrator::TrainingOrchestrator::kName), std::string(test_service::TestService::kName),
          std::string(query_parser::QueryParser::kName), std::string(ml_engine::MlEngine::kName),
          std::string(model_registry::ModelRegistry::kName)};
}

// The one factory of services: a name in, its component with its dependencies out.
std::shared_ptr<runtime::Service> make_service(const std::string& name, const Config& config) {
  if (name == orchestrator::TrainingOrchestrator::kName) return std::make_shared<orchestrator::TrainingOrchestrator>();
  if (name == query_parser::QueryParser::kName) return std::make_shared<query_parser::QueryParser>();
  if (name == ml_engine::MlEngine::kName) return std::make_shared<ml_engine::MlEngine>();
  if (name == model_registry::ModelRegistry::kName) return std::make_shared<model_registry::ModelRegistry>();
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

void print_banner(const Config& config, const std::vector<std::pair<std::string, std::uint16_t>>& bound) {
  std::string host = config.host == "0.0.0.0" ? "127.0.0.1" : config.host;
  std::printf("ChatDB %s is up (%zu service%s, metadata %s, bus %s)\n", CHATDB_VERSION, bound.size(),
              bound.size() == 1 ? "" : "s", config.database_url.c_str(), config.kafka_bootstrap_servers.c_str());
  for (const auto& [name, port] : bound) {
    std::printf("  %-22s http://%s:%u\n", name.c_str(), host.c_str(), port);
  }
  std::printf("Try:\n");
  for (const auto& [name, port] : bound) {
    if (name == test_service::TestService::kName) {
      std::printf("  curl http://%s:%u/            # status of every service\n", host.c_str(), port);
    }
  }
  if (!bound.empty()) {
    std::printf("  curl http://%s:%u/health\n  curl http://%s:%u/metrics\n", host.c_str(), bound.front().second,
                host.c_str(), bound.front().second);
  }
  std::printf("Stop with Ctrl-C.\n");
  std::fflush(stdout);
}

int serve(const Config& config, const std::vector<std::string>& names) {
  runtime::ServiceHost host(server_options(config));
  std::vector<std::pair<std::string, std::uint16_t>> bound;
  for (const auto& name : names) {
    bound.emplace_back(name, host.add(make_service(name, config), config.host, config.port_of(name)));
  }
  print_banner(config, bound);
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

  CLI11_PARSE(app, argc, argv);
  try {
    if (version->parsed()) {
      std::printf("chatdb %s (commit %s)\n", CHATDB_VERSION, CHATDB_GIT_COMMIT);
      return 0;
    }
    if (up->parsed()) return serve(load_config(*up, flag_values), service_names());
    if (serve_cmd->parsed()) return serve(load_config(*serve_cmd, flag_values), {service_name});
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "chatdb: configuration error: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "chatdb: %s\n", e.what());
    return 1;
  }
  return 0;
}
