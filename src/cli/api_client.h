#pragma once

#include "common/error.h"
#include "http/client.h"

#include <nlohmann/json.hpp>

#include <string>

namespace chatdb::cli {

/// JSON calls to one ChatDB service for the command-line tools. A problem+json answer becomes
/// an Error carrying the service's detail; a service that does not answer says which URL.
/// A non-empty `api_key` is sent as Authorization: Bearer.
class ApiClient {
 public:
  ApiClient(std::string base_url, const std::string& api_key);

  Result<nlohmann::json> get(const std::string& path);
  Result<nlohmann::json> post(const std::string& path, const nlohmann::json& body);

 private:
  Result<nlohmann::json> call(const std::string& method, const std::string& path, const std::string& body);

  std::string base_url_;
  http::Client client_;
};

}  // namespace chatdb::cli
