#pragma once

#include "common/logger.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace chatdb {

/// Thrown at start-up only: names the variable, the bad value and what it accepts.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Config;

/// One setting: its environment variable, the command-line flag that overrides it, its default
/// and what it accepts. `apply` validates a value and stores it, or throws ConfigError.
struct Setting {
  std::string env;
  std::string flag;  // without the leading "--"
  std::string default_value;
  std::string help;
  std::function<void(Config&, const std::string&)> apply;
};

/// The whole configuration of a chatdb process, valid by construction.
struct Config {
  std::string host;
  std::uint16_t training_orchestrator_port = 8000;
  std::uint16_t test_service_port = 8001;
  std::uint16_t query_parser_port = 8002;
  std::uint16_t ml_engine_port = 8003;
  std::uint16_t model_registry_port = 8004;
  std::uint16_t console_port = 8080;
  std::string data_dir;
  std::string database_url;
  std::string bus_url;                  // local:// or kafka://HOST:PORT[,...], never empty once loaded
  std::string kafka_bootstrap_servers;  // HOST:PORT[,...] as configured (may be empty)
  std::string query_topic;
  std::string result_topic;
  std::string training_topic;
  std::string prediction_topic;
  std::string job_events_topic;
  std::string model_events_topic;
  std::string training_orchestrator_url;
  std::string query_parser_url;
  std::string ml_engine_url;
  std::string model_registry_url;
  std::string s3_endpoint;
  std::string s3_bucket;
  std::string aws_access_key_id;
  std::string aws_secret_access_key;
  std::string dataset_root;  // file:// training datasets must be under it
  std::string data_sources;  // JSON: {"name": "sqlite://..." | {"url": ..., "glossary": PATH}}
  std::string api_keys_file;  // the API keys the services accept (hashes); default DATA_DIR/api-keys
  std::string api_key;        // the token the CLI and ml-engine send as Authorization: Bearer
  int http_threads = 0;
  std::size_t max_body_bytes = 0;
  int idle_timeout_ms = 0;
  int read_timeout_ms = 0;
  int probe_interval_ms = 0;
  double cpu_capacity = 0;
  int job_lease_ms = 0;
  int dependency_retry_budget_s = 0;
  LogLevel log_level = LogLevel::kInfo;
  LogFormat log_format = LogFormat::kJson;

  /// Every setting, in the order `--help` lists them.
  static const std::vector<Setting>& settings();

  /// Builds a Config from variable -> value pairs (the environment, then flags on top).
  /// Missing variables take their defaults; URLs of the services default to this host's ports.
  static Config from_values(const std::map<std::string, std::string>& values);

  /// The value of every known setting's environment variable that is set.
  static std::map<std::string, std::string> environment_values();

  /// The port of a service by its name constant; throws std::out_of_range on an unknown name.
  std::uint16_t port_of(const std::string& service) const;
  /// Where the other services reach a service (its *_URL setting); throws std::out_of_range for
  /// test-service, which nothing calls.
  std::string url_of(const std::string& service) const;
};

}  // namespace chatdb
