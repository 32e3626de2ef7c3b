#include "tracing/otlp_json.h"

#include "common/build_info.h"

#include <nlohmann/json.hpp>

#include <map>

namespace chatdb::tracing {
namespace {

using nlohmann::json;

json attribute(const std::string& key, const AttributeValue& value) {
  json v;
  if (auto s = std::get_if<std::string>(&value)) v["stringValue"] = *s;
  else if (auto i = std::get_if<std::int64_t>(&value)) v["intValue"] = std::to_string(*i);
  else if (auto d = std::get_if<double>(&value)) v["doubleValue"] = *d;
  else v["boolValue"] = std::get<bool>(value);
  return {{"key", key}, {"value", std::move(v)}};
}

json encode_span(const SpanData& s) {
  json attributes = json::array();
  for (const auto& [k, v] : s.attributes) attributes.push_back(attribute(k, v));
  json out = {{"traceId", s.context.trace_id},
              {"spanId", s.context.span_id},
              {"name", s.name},
              {"kind", static_cast<int>(s.kind)},
              {"startTimeUnixNano", std::to_string(s.start_ns)},
              {"endTimeUnixNano", std::to_string(s.end_ns)},
              {"attributes", std::move(attributes)},
              {"flags", s.context.sampled ? 1 : 0}};
  if (!s.parent_span_id.empty()) out["parentSpanId"] = s.parent_span_id;
  if (!s.context.tracestate.empty()) out["traceState"] = s.context.tracestate;
  if (s.error) out["status"] = {{"code", 2}, {"message", s.status_message}};
  return out;
}

}  // namespace

std::string encode_otlp_json(const std::vector<SpanData>& spans, const Resource& resource) {
  std::map<std::string, json> by_service;
  for (const auto& s : spans) {
    const std::string& name = !resource.service_name_override.empty() ? resource.service_name_override
                              : !s.service.empty()                    ? s.service
                                                                      : resource.fallback_service;
    auto [it, made] = by_service.try_emplace(name, json::array());
    it->second.push_back(encode_span(s));
  }
  json resource_spans = json::array();
  for (auto& [service, encoded] : by_service) {
    json attributes = json::array();
    attributes.push_back(attribute("service.name", service));
    for (const auto& [k, v] : resource.attributes) {
      if (k != "service.name") attributes.push_back(attribute(k, v));
    }
    attributes.push_back(attribute("telemetry.sdk.name", std::string("chatdb")));
    attributes.push_back(attribute("telemetry.sdk.language", std::string("cpp")));
    attributes.push_back(attribute("telemetry.sdk.version", std::string(BuildInfo::version())));
    resource_spans.push_back(
        {{"resource", {{"attributes", std::move(attributes)}}},
         {"scopeSpans", json::array({{{"scope", {{"name", "chatdb"}, {"version", BuildInfo::version()}}},
                                      {"spans", std::move(encoded)}}})}});
  }
  return json{{"resourceSpans", std::move(resource_spans)}}.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace chatdb::tracing
