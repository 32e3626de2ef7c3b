#include "tracing/tracing_config.h"

#include "common/config.h"
#include "http/request.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

extern char** environ;

namespace chatdb::tracing {
namespace {

using Env = std::map<std::string, std::string>;

std::string get(const Env& env, const std::string& name) {
  auto it = env.find(name);
  return it == env.end() ? std::string() : it->second;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

// The W3C Baggage-like list both OTEL_RESOURCE_ATTRIBUTES and the headers variables use:
// key=value pairs separated by commas, values percent-encoded.
std::vector<std::pair<std::string, std::string>> pairs(const std::string& variable, const std::string& text) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto comma = text.find(',', start);
    std::string item = trim(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    start = comma == std::string::npos ? text.size() + 1 : comma + 1;
    if (item.empty()) continue;
    auto eq = item.find('=');
    auto key = eq == std::string::npos ? std::string() : trim(item.substr(0, eq));
    auto value = eq == std::string::npos ? Result<std::string>(Error::invalid("")) : http::percent_decode(trim(item.substr(eq + 1)), false);
    if (key.empty() || !value.ok()) {
      throw ConfigError(variable + ": '" + item + "' is not key=value (values percent-encoded, pairs separated by commas)");
    }
    out.emplace_back(key, value.value());
  }
  return out;
}

long long number(const Env& env, const std::string& name, long long fallback, long long min) {
  std::string text = get(env, name);
  if (text.empty()) return fallback;
  char* end = nullptr;
  long long v = std::strtoll(text.c_str(), &end, 10);
  if (end == text.c_str() || *end != '\0' || v < min || v > 3'600'000) {
    throw ConfigError(name + ": '" + text + "' is not a whole number from " + std::to_string(min) + " to 3600000");
  }
  return v;
}

}  // namespace

TracingConfig TracingConfig::from_values(const Env& env) {
  TracingConfig c;
  std::string traces = get(env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"), base = get(env, "OTEL_EXPORTER_OTLP_ENDPOINT");
  if (!traces.empty()) {
    c.endpoint = traces;
  } else if (!base.empty()) {
    while (!base.empty() && base.back() == '/') base.pop_back();
    c.endpoint = base + "/v1/traces";
  }
  std::string exporter = lower(get(env, "OTEL_TRACES_EXPORTER"));
  if (!exporter.empty() && exporter != "otlp" && exporter != "none") {
    throw ConfigError("OTEL_TRACES_EXPORTER: '" + exporter + "' is not supported; use otlp (or none)");
  }
  bool disabled = lower(get(env, "OTEL_SDK_DISABLED")) == "true" || exporter == "none";
  c.enabled = !c.endpoint.empty() && !disabled;

  std::string protocol_var = env.count("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") ? "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL" : "OTEL_EXPORTER_OTLP_PROTOCOL";
  std::string protocol = get(env, protocol_var);
  if (protocol == "http/protobuf") {
    c.warnings.push_back(protocol_var + "=http/protobuf: ChatDB sends http/json, which OTLP/HTTP collectors accept on the same path");
  } else if (!protocol.empty() && protocol != "http/json") {
    throw ConfigError(protocol_var + ": '" + protocol + "' is not supported; use http/json (OTLP over HTTP, port 4318)");
  }
  if (c.enabled && c.endpoint.rfind("http://", 0) != 0) {
    throw ConfigError((traces.empty() ? "OTEL_EXPORTER_OTLP_ENDPOINT" : "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") +
                      std::string(": '") + c.endpoint + "' must be an http:// URL (https is not supported: use a local collector)");
  }

  std::string headers_var = env.count("OTEL_EXPORTER_OTLP_TRACES_HEADERS") ? "OTEL_EXPORTER_OTLP_TRACES_HEADERS" : "OTEL_EXPORTER_OTLP_HEADERS";
  c.headers = pairs(headers_var, get(env, headers_var));
  std::string timeout_var = env.count("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT") ? "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT" : "OTEL_EXPORTER_OTLP_TIMEOUT";
  c.timeout = std::chrono::milliseconds(number(env, timeout_var, 10000, 1));

  c.resource.attributes = pairs("OTEL_RESOURCE_ATTRIBUTES", get(env, "OTEL_RESOURCE_ATTRIBUTES"));
  for (const auto& [k, v] : c.resource.attributes) {
    if (k == "service.name") c.resource.fallback_service = v;
  }
  c.resource.service_name_override = trim(get(env, "OTEL_SERVICE_NAME"));

  c.sampler = Sampler::parse(lower(trim(get(env, "OTEL_TRACES_SAMPLER"))), trim(get(env, "OTEL_TRACES_SAMPLER_ARG")));
  c.batch.schedule_delay = std::chrono::milliseconds(number(env, "OTEL_BSP_SCHEDULE_DELAY", 5000, 1));
  c.batch.max_queue_size = static_cast<std::size_t>(number(env, "OTEL_BSP_MAX_QUEUE_SIZE", 2048, 1));
  c.batch.max_export_batch_size = static_cast<std::size_t>(number(env, "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", 512, 1));
  if (c.batch.max_export_batch_size > c.batch.max_queue_size) {
    throw ConfigError("OTEL_BSP_MAX_EXPORT_BATCH_SIZE: must not exceed OTEL_BSP_MAX_QUEUE_SIZE (" +
                      std::to_string(c.batch.max_queue_size) + ")");
  }
  return c;
}

TracingConfig TracingConfig::from_environment() {
  Env env;
  for (char** e = environ; e && *e; ++e) {
    std::string entry = *e;
    if (entry.rfind("OTEL_", 0) != 0) continue;
    auto eq = entry.find('=');
    if (eq != std::string::npos) env[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  return from_values(env);
}

}  // namespace chatdb::tracing
