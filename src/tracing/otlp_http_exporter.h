#pragma once

#include "common/error.h"
#include "http/client.h"
#include "tracing/otlp_json.h"
#include "tracing/span.h"

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace chatdb::tracing {

/// POSTs batches of spans to an OTLP/HTTP collector (`/v1/traces`, application/json). A batch
/// is sent once: a collector that is down, slow past the timeout, or answering other than 2xx
/// is an error (the processor counts the batch as dropped). Its own requests make no spans.
class OtlpHttpExporter {
 public:
  OtlpHttpExporter(std::string url, std::vector<std::pair<std::string, std::string>> headers, Resource resource,
                   std::chrono::milliseconds timeout);

  Status send(const std::vector<SpanData>& spans);

 private:
  std::string url_;
  std::vector<std::pair<std::string, std::string>> headers_;
  Resource resource_;
  http::Client client_;
};

}  // namespace chatdb::tracing
