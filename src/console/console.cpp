#include "console/console.h"

#include "console/assets.h"
#include "http/problem.h"

#include <nlohmann/json.hpp>

#include <array>

namespace chatdb::console {
namespace {

// The page may load and call only its own origin: no inline script, no third party.
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

http::Response asset_response(const Asset& asset) {
  http::Response r = http::Response::text(std::string(asset.body), std::string(content_type_of(asset.path)));
  // The files change only with the binary; revalidating each load keeps an upgrade visible.
  r.headers.emplace_back("Cache-Control", "no-cache");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Content-Security-Policy", std::string(kContentSecurityPolicy));
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  return r;
}

}  // namespace

Console::Console(std::vector<ApiRoute> routes, std::shared_ptr<http::Client> client)
    : routes_(std::move(routes)), proxy_(std::move(client)) {}

std::string Console::summary() const {
  return "The web console: chat with the data sources, browse their schema, train models and follow jobs, "
         "inspect and try registered models.";
}

void Console::mount(http::Router& router) {
  for (const Asset& asset : embedded_assets()) {
    router.add("GET", "/" + std::string(asset.path), [&asset](const http::Request&) { return asset_response(asset); });
    if (asset.path == "index.html") {
      router.add("GET", "/", [&asset](const http::Request&) { return asset_response(asset); });
    }
  }
  constexpr std::array<const char*, 5> kMethods = {"GET", "POST", "PUT", "PATCH", "DELETE"};
  for (const ApiRoute& route : routes_) {
    auto forward = [this, &route](const http::Request& request) { return proxy_.forward(request, route); };
    for (const char* method : kMethods) {
      router.add(method, route.prefix, forward);
      router.add(method, route.prefix + "/{path...}", forward);
    }
  }
}

nlohmann::json Console::describe() const {
  nlohmann::json api = nlohmann::json::array();
  for (const auto& r : routes_) api.push_back({{"prefix", r.prefix}, {"service", r.service}});
  return {{"api", api}, {"assets", embedded_assets().size()}};
}

std::shared_ptr<Console> make_console(const Config& config) {
  http::ClientOptions options;
  options.request_timeout = ApiProxy::kTimeout;
  // A proxy passes a service's 5xx on as it is, like the ingress; it opens no circuit of its own.
  options.breaker_failures = 0;
  return std::make_shared<Console>(api_routes(config), std::make_shared<http::Client>(options));
}

}  // namespace chatdb::console
