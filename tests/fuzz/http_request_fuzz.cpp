// The HTTP request path up to the handler: Beast's request parser with the server's limits,
// then the target split into path and decoded query, route matching, and the JSON body as
// handlers read it (Request::json_object).
#include "common/percent_encoding.h"
#include "http/request.h"
#include "http/router.h"
#include "tests/fuzz/fuzz_check.h"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

namespace bhttp = boost::beast::http;
using chatdb::http::Request;
using chatdb::http::Router;

const Router& router() {
  static const Router r = [] {
    Router built({"", "/api/v1"});
    auto ok = [](const Request&) { return chatdb::http::Response{}; };
    built.add("GET", "/health", ok);
    built.add("POST", "/jobs", ok);
    built.add("GET", "/jobs/{id}", ok);
    built.add("POST", "/jobs/{id}/cancel", ok);
    built.add("PUT", "/registered-models/{name}/versions/{version}/artifact", ok);
    built.add("DELETE", "/registered-models/{name}/aliases/{alias}", ok);
    return built;
  }();
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(8 * 1024);
  parser.body_limit(1024 * 1024);
  parser.eager(true);
  boost::beast::error_code ec;
  const std::string_view rest_all(reinterpret_cast<const char*>(data), size);
  std::string_view rest = rest_all;
  while (!parser.is_done() && !rest.empty()) {
    std::size_t used = parser.put(boost::asio::buffer(rest.data(), rest.size()), ec);
    rest.remove_prefix(used);
    if (ec == bhttp::error::need_more) {
      // Beast's contract: the next put must bring more bytes than it had; the input has no more.
      ec = {};
      break;
    }
    if (ec) break;
  }
  // The connection ends here (Beast asserts that something was read first).
  if (!ec && !parser.is_done() && parser.got_some()) parser.put_eof(ec);
  if (!parser.is_header_done()) return 0;

  const auto& msg = parser.get();
  std::string target(msg.target());
  auto split = chatdb::http::split_target(target);
  if (!split) {
    FUZZ_CHECK(chatdb::fuzz::clean_message(split.error().message, rest_all));
    return 0;
  }
  const auto& [path, query] = *split;
  FUZZ_CHECK(path.find('?') == std::string::npos);
  FUZZ_CHECK(target.compare(0, path.size(), path) == 0);
  for (const auto& [key, value] : query) {
    FUZZ_CHECK(key.find('\0') == std::string::npos && value.find('\0') == std::string::npos);
    // What a client encodes, the server decodes back.
    auto back = chatdb::http::percent_decode(chatdb::percent_encode(value), true);
    FUZZ_CHECK(back.ok() && *back == value);
  }

  Request request;
  request.method = std::string(msg.method_string());
  request.target = target;
  request.path = path;
  request.query = query;
  auto match = router().match(request.method, request.path);
  FUZZ_CHECK(match.status == 200 || match.status == 404 || match.status == 405);
  FUZZ_CHECK((match.status == 200) == (match.route != nullptr));
  if (match.status == 405) FUZZ_CHECK(!match.allow.empty());
  request.params = match.params;
  for (const auto& field : msg) request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  if (parser.is_done()) request.body = msg.body();

  auto body = request.json_object();
  if (body) {
    FUZZ_CHECK(body->is_object());
  } else {
    FUZZ_CHECK(chatdb::fuzz::clean_message(body.error().message, rest_all));
  }
  (void)request.header("content-type");
  (void)request.query_param("limit", "10");
  return 0;
}
