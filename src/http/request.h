#pragma once

#include "common/error.h"

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace chatdb::http {

/// An HTTP request as handlers see it: plain data, no Beast types. Header names are lowercase.
struct Request {
  std::string method;
  std::string target;  // as received: path and query
  std::string path;    // the target's path, still percent-encoded
  std::map<std::string, std::string> query;   // decoded query parameters
  std::map<std::string, std::string> params;  // decoded path parameters from the route pattern
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string request_id;

  /// The first header of that name (any case), or "" when absent.
  std::string header(std::string_view name) const;
  /// A query parameter, or `fallback` when absent.
  std::string query_param(const std::string& name, const std::string& fallback = "") const;
  /// The body as a JSON object: 415 unless the content type is JSON, absent, or curl's default
  /// form type; 400 (parse_json: the limit it exceeds, or the byte where it goes wrong) when
  /// malformed, too deep, or not an object.
  Result<nlohmann::json> json_object() const;
};

/// Splits a request target into its path and decoded query; an invalid percent-escape in the
/// query is an invalid-argument error.
Result<std::pair<std::string, std::map<std::string, std::string>>> split_target(std::string_view target);

/// Decodes %XX escapes (and '+' as space when `plus_is_space`); fails on a bad escape or NUL.
Result<std::string> percent_decode(std::string_view text, bool plus_is_space);

}  // namespace chatdb::http
