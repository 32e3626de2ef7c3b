#include "http/response.h"

#include <nlohmann/json.hpp>

namespace chatdb::http {

Response Response::json(const nlohmann::json& body, int status) {
  Response r;
  r.status = status;
  // Invalid UTF-8 from a database must not turn a good answer into an exception.
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

Response Response::text(std::string body, std::string content_type, int status) {
  Response r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  return r;
}

}  // namespace chatdb::http
