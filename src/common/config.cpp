#include "common/config.h"

#include "common/json_parse.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cstdlib>

#include <unistd.h>
#include <regex>

namespace chatdb {
namespace {

[[noreturn]] void reject(const std::string& env, const std::string& value, const std::string& accepts) {
  throw ConfigError(env + "='" + value + "' is invalid: expected " + accepts);
}

long long parse_integer(const std::string& env, const std::string& value, long long min, long long max) {
  long long out = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), out);
  if (ec != std::errc() || end != value.data() + value.size() || out < min || out > max) {
    reject(env, value, "an integer from " + std::to_string(min) + " to " + std::to_string(max));
  }
  return out;
}

bool starts_with(const std::string& s, std::string_view prefix) { return s.rfind(prefix, 0) == 0; }

std::string http_url(const std::string& env, const std::string& value) {
  static const std::regex kUrl(R"(https?://[A-Za-z0-9.\-_\[\]:]+(:[0-9]{1,5})?(/.*)?)");
  if (value.empty()) return value;  // empty: the default
  if (!std::regex_match(value, kUrl)) reject(env, value, "an http:// or https:// URL, such as http://host:8004");
  return value;
}

std::string topic(const std::string& env, const std::string& value) {
  static const std::regex kTopic(R"([A-Za-z0-9._\-]{1,249})");
  if (!std::regex_match(value, kTopic)) reject(env, value, "a Kafka topic name: 1-249 of A-Z a-z 0-9 . _ -");
  return value;
}

std::string parse_database_url(const std::string& env, const std::string& value) {
  if (value.empty() || starts_with(value, "sqlite://") || starts_with(value, "postgresql://") ||
      starts_with(value, "postgres://")) {
    return value;
  }
  reject(env, value, "sqlite://PATH or postgresql://USER:PASSWORD@HOST:PORT/DB");
}

bool is_broker_list(const std::string& list) {
  static const std::regex kList(R"(([A-Za-z0-9.\-_]+:[0-9]{1,5})(,[A-Za-z0-9.\-_]+:[0-9]{1,5})*)");
  return std::regex_match(list, kList);
}

// Kafka's brokers, HOST:PORT[,HOST:PORT] (kafka:// before them is accepted); "local://" is
// still read as the in-process bus, as before CHATDB_BUS_URL existed.
std::string bootstrap(const std::string& env, const std::string& value) {
  if (value.empty() || value == "local://") return value;
  std::string list = starts_with(value, "kafka://") ? value.substr(8) : value;
  if (!is_broker_list(list)) reject(env, value, "HOST:PORT[,HOST:PORT] (or kafka://HOST:PORT[,HOST:PORT])");
  return list;
}

// local:// or kafka://HOST:PORT[,...]; kafka:// alone takes the brokers of KAFKA_BOOTSTRAP_SERVERS.
std::string parse_bus_url(const std::string& env, const std::string& value) {
  if (value.empty() || value == "local://" || value == "kafka://") return value;
  if (!starts_with(value, "kafka://") || !is_broker_list(value.substr(8))) {
    reject(env, value, "local:// (in-process bus) or kafka://HOST:PORT[,HOST:PORT] (or kafka:// with KAFKA_BOOTSTRAP_SERVERS)");
  }
  return value;
}

std::string data_source_map(const std::string& env, const std::string& value) {
  if (value.empty()) return value;
  const std::string accepts = "a JSON object of name -> sqlite://PATH or postgresql://... URL (or {\"url\": URL, \"glossary\": FILE})";
  auto doc = parse_json_or_discarded(value);
  if (doc.is_discarded() || !doc.is_object()) reject(env, value, accepts);
  for (const auto& [name, entry] : doc.items()) {
    std::string url = entry.is_string() ? entry.get<std::string>()
                      : entry.is_object() && entry.contains("url") && entry["url"].is_string() ? entry["url"].get<std::string>()
                                                                                                : "";
    if (name.empty() || url.empty() || parse_database_url(env, url).empty()) reject(env, value, accepts);
  }
  return value;
}

std::uint16_t port(const std::string& env, const std::string& value) {
  return static_cast<std::uint16_t>(parse_integer(env, value, 1, 65535));
}

// json, text, or auto: text when stderr is a terminal.
LogFormat parse_log_format(const std::string& env, const std::string& value) {
  if (value == "json") return LogFormat::kJson;
  if (value == "text") return LogFormat::kText;
  if (value == "auto") return ::isatty(STDERR_FILENO) ? LogFormat::kText : LogFormat::kJson;
  reject(env, value, "one of auto, json, text");
}

LogLevel parse_log_level(const std::string& env, const std::string& value) {
  if (value == "debug") return LogLevel::kDebug;
  if (value == "info") return LogLevel::kInfo;
  if (value == "warn") return LogLevel::kWarn;
  if (value == "error") return LogLevel::kError;
  reject(env, value, "one of debug, info, warn, error");
}

std::string non_empty(const std::string& env, const std::string& value) {
  if (value.empty()) reject(env, value, "a non-empty value");
  return value;
}

std::string any(const std::string&, const std::string& value) { return value; }

// Binds a member of Config to a validator: the setting table stays one line per setting.
template <class T, class Parse>
std::function<void(Config&, const std::string&)> field(T Config::*member, std::string env, Parse parse) {
  return [member, env = std::move(env), parse](Config& c, const std::string& v) { c.*member = parse(env, v); };
}

Setting make(std::string env, std::string flag, std::string def, std::string help,
             std::function<void(Config&, const std::string&)> apply) {
  return Setting{std::move(env), std::move(flag), std::move(def), std::move(help), std::move(apply)};
}

auto number(double min, double max) {
  return [min, max](const std::string& env, const std::string& v) {
    std::size_t used = 0;
    double out = 0;
    try {
      out = std::stod(v, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != v.size() || !(out >= min && out <= max)) {
      reject(env, v, "a number from " + std::to_string(min) + " to " + std::to_string(max));
    }
    return out;
  };
}

template <class T>
auto integer(long long min, long long max) {
  return [min, max](const std::string& env, const std::string& v) {
    return static_cast<T>(parse_integer(env, v, min, max));
  };
}

}  // namespace

const std::vector<Setting>& Config::settings() {
  static const std::vector<Setting> kSettings = [] {
    std::vector<Setting> s;
    s.push_back(make("CHATDB_HOST", "host", "127.0.0.1", "address the services listen on",
                     field(&Config::host, "CHATDB_HOST", non_empty)));
    s.push_back(make("TRAINING_ORCHESTRATOR_PORT", "training-orchestrator-port", "8000", "port of training-orchestrator",
                     field(&Config::training_orchestrator_port, "TRAINING_ORCHESTRATOR_PORT", port)));
    s.push_back(make("TEST_SERVICE_PORT", "test-service-port", "8001", "port of test-service",
                     field(&Config::test_service_port, "TEST_SERVICE_PORT", port)));
    s.push_back(make("QUERY_PARSER_PORT", "query-parser-port", "8002", "port of query-parser",
                     field(&Config::query_parser_port, "QUERY_PARSER_PORT", port)));
    s.push_back(make("ML_ENGINE_PORT", "ml-engine-port", "8003", "port of ml-engine",
                     field(&Config::ml_engine_port, "ML_ENGINE_PORT", port)));
    s.push_back(make("MODEL_REGISTRY_PORT", "model-registry-port", "8004", "port of model-registry",
                     field(&Config::model_registry_port, "MODEL_REGISTRY_PORT", port)));
    s.push_back(make("CHATDB_CONSOLE_PORT", "console-port", "8080", "port of the web console (chatdb up, chatdb serve console)",
                     field(&Config::console_port, "CHATDB_CONSOLE_PORT", port)));
    s.push_back(make("CHATDB_DATA_DIR", "data-dir", ".chatdb", "directory for embedded data (SQLite, artifacts, demo)",
                     field(&Config::data_dir, "CHATDB_DATA_DIR", non_empty)));
    s.push_back(make("DATABASE_URL", "database-url", "", "metadata store: sqlite://PATH or postgresql://... (default: SQLite in the data dir)",
                     field(&Config::database_url, "DATABASE_URL", parse_database_url)));
    s.push_back(make("CHATDB_BUS_URL", "bus-url", "", "message bus: local:// or kafka://HOST:PORT,... (default: Kafka when KAFKA_BOOTSTRAP_SERVERS is set, else local://)",
                     field(&Config::bus_url, "CHATDB_BUS_URL", parse_bus_url)));
    s.push_back(make("KAFKA_BOOTSTRAP_SERVERS", "kafka-bootstrap-servers", "", "Kafka brokers HOST:PORT,... (for kafka:// or no CHATDB_BUS_URL)",
                     field(&Config::kafka_bootstrap_servers, "KAFKA_BOOTSTRAP_SERVERS", bootstrap)));
    s.push_back(make("QUERY_TOPIC", "query-topic", "queries", "topic of asynchronous questions",
                     field(&Config::query_topic, "QUERY_TOPIC", topic)));
    s.push_back(make("RESULT_TOPIC", "result-topic", "query_results", "topic of asynchronous answers",
                     field(&Config::result_topic, "RESULT_TOPIC", topic)));
    s.push_back(make("TRAINING_TOPIC", "training-topic", "training_jobs", "topic of training jobs",
                     field(&Config::training_topic, "TRAINING_TOPIC", topic)));
    s.push_back(make("PREDICTION_TOPIC", "prediction-topic", "predictions", "topic of prediction batches",
                     field(&Config::prediction_topic, "PREDICTION_TOPIC", topic)));
    s.push_back(make("MODEL_EVENTS_TOPIC", "model-events-topic", "model_events", "topic of model registry changes (versions, aliases)",
                     field(&Config::model_events_topic, "MODEL_EVENTS_TOPIC", topic)));
    s.push_back(make("JOB_EVENTS_TOPIC", "job-events-topic", "job_events", "topic of training job events",
                     field(&Config::job_events_topic, "JOB_EVENTS_TOPIC", topic)));
    s.push_back(make("TRAINING_ORCHESTRATOR_URL", "training-orchestrator-url", "", "base URL of training-orchestrator (default: this host)",
                     field(&Config::training_orchestrator_url, "TRAINING_ORCHESTRATOR_URL", http_url)));
    s.push_back(make("QUERY_PARSER_URL", "query-parser-url", "", "base URL of query-parser (default: this host)",
                     field(&Config::query_parser_url, "QUERY_PARSER_URL", http_url)));
    s.push_back(make("ML_ENGINE_URL", "ml-engine-url", "", "base URL of ml-engine (default: this host)",
                     field(&Config::ml_engine_url, "ML_ENGINE_URL", http_url)));
    s.push_back(make("MODEL_REGISTRY_URL", "model-registry-url", "", "base URL of model-registry (default: this host)",
                     field(&Config::model_registry_url, "MODEL_REGISTRY_URL", http_url)));
    s.push_back(make("S3_ENDPOINT", "s3-endpoint", "", "S3/MinIO endpoint for artifacts; empty stores them in the data dir",
                     field(&Config::s3_endpoint, "S3_ENDPOINT", http_url)));
    s.push_back(make("S3_BUCKET", "s3-bucket", "model-artifacts", "bucket of model artifacts",
                     field(&Config::s3_bucket, "S3_BUCKET", non_empty)));
    s.push_back(make("AWS_ACCESS_KEY_ID", "aws-access-key-id", "", "S3 access key",
                     field(&Config::aws_access_key_id, "AWS_ACCESS_KEY_ID", any)));
    s.push_back(make("AWS_SECRET_ACCESS_KEY", "aws-secret-access-key", "", "S3 secret key",
                     field(&Config::aws_secret_access_key, "AWS_SECRET_ACCESS_KEY", any)));
    s.push_back(make("CHATDB_DATASET_ROOT", "dataset-root", "", "directory that file:// training datasets must be under (default: DATA_DIR/datasets)",
                     field(&Config::dataset_root, "CHATDB_DATASET_ROOT", any)));
    s.push_back(make("CHATDB_DATA_SOURCES", "data-sources", "", "query-parser databases: JSON {\"name\": \"sqlite://PATH\" or \"postgresql://...\" or {\"url\": ..., \"glossary\": FILE}}",
                     field(&Config::data_sources, "CHATDB_DATA_SOURCES", data_source_map)));
    s.push_back(make("CHATDB_API_KEYS_FILE", "api-keys-file", "", "API keys the services accept, re-read when it changes (default: DATA_DIR/api-keys; no keys: every request is allowed)",
                     field(&Config::api_keys_file, "CHATDB_API_KEYS_FILE", any)));
    s.push_back(make("CHATDB_API_KEY", "api-key", "", "API token the CLI and ml-engine send as Authorization: Bearer",
                     field(&Config::api_key, "CHATDB_API_KEY", any)));
    s.push_back(make("CHATDB_HTTP_THREADS", "http-threads", "0", "HTTP worker threads (0: one per core)",
                     field(&Config::http_threads, "CHATDB_HTTP_THREADS", integer<int>(0, 256))));
    s.push_back(make("CHATDB_MAX_BODY_BYTES", "max-body-bytes", "1048576", "default request body limit in bytes",
                     field(&Config::max_body_bytes, "CHATDB_MAX_BODY_BYTES", integer<std::size_t>(1, 1LL << 32))));
    s.push_back(make("CHATDB_IDLE_TIMEOUT_MS", "idle-timeout-ms", "30000", "time a connection may take to send a request's headers",
                     field(&Config::idle_timeout_ms, "CHATDB_IDLE_TIMEOUT_MS", integer<int>(10, 3600000))));
    s.push_back(make("CHATDB_READ_TIMEOUT_MS", "read-timeout-ms", "15000", "time a client may take to send a request's body",
                     field(&Config::read_timeout_ms, "CHATDB_READ_TIMEOUT_MS", integer<int>(10, 3600000))));
    s.push_back(make("CHATDB_PROBE_INTERVAL_MS", "probe-interval-ms", "5000", "how often test-service probes the others",
                     field(&Config::probe_interval_ms, "CHATDB_PROBE_INTERVAL_MS", integer<int>(100, 3600000))));
    s.push_back(make("CHATDB_CPU_CAPACITY", "cpu-capacity", "0", "CPUs the orchestrator gives running jobs (0: this machine's cores)",
                     field(&Config::cpu_capacity, "CHATDB_CPU_CAPACITY", number(0, 100000))));
    s.push_back(make("CHATDB_JOB_LEASE_MS", "job-lease-ms", "120000", "a running job without news for this long is retried",
                     field(&Config::job_lease_ms, "CHATDB_JOB_LEASE_MS", integer<int>(1000, 86400000))));
    s.push_back(make("CHATDB_DEPENDENCY_RETRY_BUDGET_S", "dependency-retry-budget-s", "600",
                     "how long a training attempt waits for S3, a data source or the registry before it fails",
                     field(&Config::dependency_retry_budget_s, "CHATDB_DEPENDENCY_RETRY_BUDGET_S", integer<int>(0, 86400))));
    s.push_back(make("LOG_LEVEL", "log-level", "info", "debug, info, warn or error",
                     field(&Config::log_level, "LOG_LEVEL", parse_log_level)));
    s.push_back(make("LOG_FORMAT", "log-format", "auto", "json, text, or auto: short text lines when stderr is a terminal, else JSON",
                     field(&Config::log_format, "LOG_FORMAT", parse_log_format)));
    return s;
  }();
  return kSettings;
}

Config Config::from_values(const std::map<std::string, std::string>& values) {
  Config c;
  for (const auto& s : settings()) {
    auto it = values.find(s.env);
    s.apply(c, it == values.end() ? s.default_value : it->second);
  }
  if (c.database_url.empty()) c.database_url = "sqlite://" + c.data_dir + "/chatdb.db";
  // The bus: explicit, else Kafka when its brokers are given (the Kubernetes ConfigMaps), else
  // in process. KAFKA_BOOTSTRAP_SERVERS=local:// keeps meaning the in-process bus.
  bool brokers = !c.kafka_bootstrap_servers.empty() && c.kafka_bootstrap_servers != "local://";
  if (c.bus_url.empty()) c.bus_url = brokers ? "kafka://" + c.kafka_bootstrap_servers : "local://";
  if (c.bus_url == "kafka://") {
    if (!brokers) throw ConfigError("CHATDB_BUS_URL=kafka:// needs KAFKA_BOOTSTRAP_SERVERS (HOST:PORT[,HOST:PORT])");
    c.bus_url += c.kafka_bootstrap_servers;
  }
  if (c.dataset_root.empty()) c.dataset_root = c.data_dir + "/datasets";
  if (c.api_keys_file.empty()) c.api_keys_file = c.data_dir + "/api-keys";
  // Services reach each other on this host unless told otherwise.
  std::string local = c.host == "0.0.0.0" ? "127.0.0.1" : c.host;
  auto default_url = [&](std::string& url, std::uint16_t p) {
    if (url.empty()) url = "http://" + local + ":" + std::to_string(p);
  };
  default_url(c.training_orchestrator_url, c.training_orchestrator_port);
  default_url(c.query_parser_url, c.query_parser_port);
  default_url(c.ml_engine_url, c.ml_engine_port);
  default_url(c.model_registry_url, c.model_registry_port);
  return c;
}

std::map<std::string, std::string> Config::environment_values() {
  std::map<std::string, std::string> out;
  for (const auto& s : settings()) {
    if (const char* v = std::getenv(s.env.c_str())) out[s.env] = v;
  }
  return out;
}

std::uint16_t Config::port_of(const std::string& service) const {
  if (service == "training-orchestrator") return training_orchestrator_port;
  if (service == "test-service") return test_service_port;
  if (service == "query-parser") return query_parser_port;
  if (service == "ml-engine") return ml_engine_port;
  if (service == "model-registry") return model_registry_port;
  if (service == "console") return console_port;
  throw std::out_of_range("unknown service: " + service);
}

std::string Config::url_of(const std::string& service) const {
  if (service == "training-orchestrator") return training_orchestrator_url;
  if (service == "query-parser") return query_parser_url;
  if (service == "ml-engine") return ml_engine_url;
  if (service == "model-registry") return model_registry_url;
  throw std::out_of_range("no URL setting for service: " + service);
}

}  // namespace chatdb
