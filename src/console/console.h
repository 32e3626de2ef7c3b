#pragma once

#include "common/config.h"
#include "console/api_proxy.h"
#include "console/api_route.h"
#include "runtime/service.h"

#include <memory>
#include <string_view>
#include <vector>

namespace chatdb::console {

/// The web console: the front end built into the binary (assets.h) at `/`, and the public
/// API (`/api/v1/jobs`, `/api/v1/query`, ... as the ingress routes them) forwarded to the
/// services, so the page calls one origin in `chatdb up` and behind the ingress alike. Its
/// own routes need no API key: the pages hold no data, and every API call is checked by the
/// service it reaches with the caller's key. The routes `mount` adds refer to the Console, which
/// must outlive the router (ServiceHost keeps both). Thread-safe.
class Console : public runtime::Service {
 public:
  static constexpr std::string_view kName = "console";

  Console(std::vector<ApiRoute> routes, std::shared_ptr<http::Client> client);

  std::string name() const override { return std::string(kName); }
  std::string summary() const override;
  std::vector<std::string> mount_prefixes() const override { return {""}; }
  bool needs_api_keys() const override { return false; }
  void mount(http::Router& router) override;
  nlohmann::json describe() const override;

 private:
  std::vector<ApiRoute> routes_;
  ApiProxy proxy_;
};

/// The console of a process with `config`: the API forwarded to the configured service URLs.
std::shared_ptr<Console> make_console(const Config& config);

}  // namespace chatdb::console
