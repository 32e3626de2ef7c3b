#include "console/api_proxy.h"

#include "common/logger.h"
#include "http/problem.h"

#include <array>
#include <string_view>

namespace chatdb::console {
namespace {

constexpr std::array<std::string_view, 6> kRequestHeaders = {"authorization", "content-type", "accept",
                                                             "idempotency-key", "traceparent", "tracestate"};
constexpr std::array<std::string_view, 6> kResponseHeaders = {"retry-after", "www-authenticate", "allow",
                                                              "location", "content-disposition", "etag"};

}  // namespace

ApiProxy::ApiProxy(std::shared_ptr<http::Client> client) : client_(std::move(client)) {}

http::Response ApiProxy::forward(const http::Request& request, const ApiRoute& route) const {
  if (request.target.empty() || request.target.front() != '/') {
    return http::problem(400, "the request target must be a path starting with '/'");
  }
  std::vector<std::pair<std::string, std::string>> headers;
  for (auto name : kRequestHeaders) {
    if (std::string value = request.header(name); !value.empty()) headers.emplace_back(std::string(name), std::move(value));
  }
  headers.emplace_back("X-Request-Id", request.request_id);
  auto answer = client_->request(request.method, route.base_url + request.target, request.body, headers,
                                 std::chrono::duration_cast<std::chrono::milliseconds>(kTimeout));
  if (!answer) {
    Logger::warn("console: service not reachable", {{"service", route.service}, {"error", answer.error().message}});
    if (answer.error().code == ErrorCode::kTimeout) {
      return http::problem(Error::timeout(route.service + " did not answer within " + std::to_string(kTimeout.count()) + " s"));
    }
    return http::problem(Error::unavailable(route.service + " is not reachable; try again in a moment"));
  }
  http::Response r;
  r.status = answer->status;
  r.content_type = answer->header("content-type");
  if (r.content_type.empty()) r.content_type = "application/octet-stream";
  r.body = std::move(answer->body);
  for (auto name : kResponseHeaders) {
    if (std::string value = answer->header(name); !value.empty()) r.headers.emplace_back(std::string(name), std::move(value));
  }
  return r;
}

}  // namespace chatdb::console
