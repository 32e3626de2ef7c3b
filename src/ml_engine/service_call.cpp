#include "ml_engine/service_call.h"

#include "common/json_parse.h"
#include "common/percent_encoding.h"
#include "http/request.h"

#include <cctype>
#include <cstdio>

namespace chatdb::ml_engine {

std::string path_segment(std::string_view text) { return percent_encode(text); }

Status call_status(const Result<http::ClientResponse>& response, std::string_view service) {
  if (!response) {
    return Error::unavailable(std::string(service) + " is unreachable (" + response.error().message + "); retry later");
  }
  int status = response->status;
  if (status >= 200 && status < 300) return Status::success();
  auto body = parse_json_or_discarded(response->body);
  std::string detail = body.is_object() && body.contains("detail") && body["detail"].is_string()
                           ? body["detail"].get<std::string>()
                           : "HTTP " + std::to_string(status);
  if (status >= 500 || status == 429) return Error::unavailable(std::string(service) + " failed: " + detail);
  if (status == 404) return Error::not_found(detail);
  if (status == 409) return Error::conflict(detail);
  return Error::invalid(std::string(service) + " refused the request: " + detail);
}

Result<nlohmann::json> json_body(const http::ClientResponse& response, std::string_view service) {
  auto body = parse_json_or_discarded(response.body);
  if (body.is_discarded() || !body.is_object()) return Error::unavailable(std::string(service) + " answered with a body that is not a JSON object");
  return body;
}

}  // namespace chatdb::ml_engine
