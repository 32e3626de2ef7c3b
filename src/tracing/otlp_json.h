#pragma once

#include "tracing/span.h"

#include <string>
#include <utility>
#include <vector>

namespace chatdb::tracing {

/// What every exported span's resource carries besides its service.name.
struct Resource {
  /// OTEL_SERVICE_NAME: when set, every span's service.name; otherwise each span keeps its
  /// ChatDB service's name (one resource per service in `chatdb up`).
  std::string service_name_override;
  /// service.name for spans done outside any service (OTEL_RESOURCE_ATTRIBUTES' or "chatdb").
  std::string fallback_service = "chatdb";
  std::vector<std::pair<std::string, std::string>> attributes;  // OTEL_RESOURCE_ATTRIBUTES
};

/// An ExportTraceServiceRequest in OTLP's JSON encoding (ids in hex, 64-bit integers as
/// strings), with one resourceSpans entry per service.name.
std::string encode_otlp_json(const std::vector<SpanData>& spans, const Resource& resource);

}  // namespace chatdb::tracing
