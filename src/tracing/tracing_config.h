#pragma once

#include "tracing/batch_span_processor.h"
#include "tracing/otlp_json.h"
#include "tracing/sampler.h"

#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace chatdb::tracing {

/// Tracing as the standard OpenTelemetry variables configure it. Off unless an endpoint is
/// set (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as is, or OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces),
/// and off when OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none. Export is OTLP/HTTP with
/// JSON: `http/json`; `http/protobuf` is accepted with a warning (collectors take JSON on the
/// same path); `grpc` and https endpoints are refused.
struct TracingConfig {
  bool enabled = false;
  std::string endpoint;  // the full URL spans are POSTed to
  std::vector<std::pair<std::string, std::string>> headers;  // OTEL_EXPORTER_OTLP_(TRACES_)HEADERS
  std::chrono::milliseconds timeout{10000};  // OTEL_EXPORTER_OTLP_(TRACES_)TIMEOUT
  Resource resource;
  Sampler sampler;
  BatchOptions batch;
  std::vector<std::string> warnings;  // accepted settings worth a log line

  /// From these variables (name -> value); throws ConfigError naming the variable and what it
  /// accepts for a bad value.
  static TracingConfig from_values(const std::map<std::string, std::string>& env);
  /// From the process environment.
  static TracingConfig from_environment();
};

}  // namespace chatdb::tracing
