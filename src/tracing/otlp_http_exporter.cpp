#include "tracing/otlp_http_exporter.h"

namespace chatdb::tracing {
namespace {

http::ClientOptions exporter_client(std::chrono::milliseconds timeout) {
  http::ClientOptions o;
  o.connect_timeout = std::min(timeout, std::chrono::milliseconds(2000));
  o.request_timeout = timeout;
  o.max_idle_per_host = 1;
  o.max_response_bytes = 1024 * 1024;
  o.trace = false;  // spans about exporting spans would never end
  return o;
}

}  // namespace

OtlpHttpExporter::OtlpHttpExporter(std::string url, std::vector<std::pair<std::string, std::string>> headers,
                                   Resource resource, std::chrono::milliseconds timeout)
    : url_(std::move(url)), headers_(std::move(headers)), resource_(std::move(resource)), client_(exporter_client(timeout)) {
  headers_.emplace_back("Content-Type", "application/json");
}

Status OtlpHttpExporter::send(const std::vector<SpanData>& spans) {
  auto response = client_.request("POST", url_, encode_otlp_json(spans, resource_), headers_);
  if (!response.ok()) return response.error();
  if (response->status < 200 || response->status > 299) {
    return Error::unavailable("the collector at " + url_ + " answered " + std::to_string(response->status));
  }
  return Status::success();
}

}  // namespace chatdb::tracing
