#include "cli/api_client.h"

#include "common/json_parse.h"

namespace chatdb::cli {

namespace {

http::ClientOptions client_options(const std::string& api_key) {
  http::ClientOptions options{std::chrono::milliseconds(3000), std::chrono::seconds(60)};
  options.bearer_token = api_key;
  return options;
}

}  // namespace

ApiClient::ApiClient(std::string base_url, const std::string& api_key)
    : base_url_(std::move(base_url)), client_(client_options(api_key)) {}

Result<nlohmann::json> ApiClient::get(const std::string& path) { return call("GET", path, ""); }

Result<nlohmann::json> ApiClient::post(const std::string& path, const nlohmann::json& body) {
  return call("POST", path, body.dump());
}

Result<nlohmann::json> ApiClient::call(const std::string& method, const std::string& path, const std::string& body) {
  auto r = client_.request(method, base_url_ + path, body, {{"Content-Type", "application/json"}});
  if (!r.ok()) {
    return Error::unavailable(r.error().message + " (is the service running at " + base_url_ + "? start it with `chatdb up`)");
  }
  auto json = parse_json_or_discarded(r->body);
  if (r->status >= 400) {
    std::string detail = json.is_object() && json.contains("detail") ? json["detail"].get<std::string>() : r->body;
    return Error{r->status == 404 ? ErrorCode::kNotFound : r->status >= 500 ? ErrorCode::kUnavailable
                                                                             : ErrorCode::kInvalidArgument,
                 detail, r->status >= 500};
  }
  if (json.is_discarded()) return Error::internal("the service answered something that is not JSON");
  return json;
}

}  // namespace chatdb::cli
