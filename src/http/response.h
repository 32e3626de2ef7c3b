#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <utility>
#include <vector>

namespace chatdb::http {

/// An HTTP response as handlers build it: plain data, no Beast types.
struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static Response json(const nlohmann::json& body, int status = 200);
  static Response text(std::string body, std::string content_type, int status = 200);
};

}  // namespace chatdb::http
