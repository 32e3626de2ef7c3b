#include "http/request.h"

#include "common/json_parse.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>

namespace chatdb::http {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string Request::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (iequals(k, name)) return v;
  }
  return {};
}

std::string Request::query_param(const std::string& name, const std::string& fallback) const {
  auto it = query.find(name);
  return it == query.end() ? fallback : it->second;
}

Result<nlohmann::json> Request::json_object() const {
  std::string type = header("content-type");
  // curl -d sends x-www-form-urlencoded by default: accept it when the body is JSON anyway.
  bool curl_default = type.rfind("application/x-www-form-urlencoded", 0) == 0;
  if (!type.empty() && type.find("json") == std::string::npos && !curl_default) {
    return Error{ErrorCode::kUnsupportedMedia,
                 "the body must be JSON: send Content-Type: application/json (got '" + type + "')", false};
  }
  auto parsed = parse_json(body);
  if (!parsed) return Error::invalid("the body: " + parsed.error().message);
  if (!parsed->is_object()) return Error::invalid("the body must be a JSON object, such as {\"key\": \"value\"}");
  return parsed;
}

Result<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return Error::invalid("bad percent-escape in the URL");
      int hi = hex_value(text[i + 1]), lo = hex_value(text[i + 2]);
      if (hi < 0 || lo < 0) return Error::invalid("bad percent-escape in the URL");
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      c = ' ';
    }
    if (c == '\0') return Error::invalid("the URL contains a NUL byte");
    out.push_back(c);
  }
  return out;
}

Result<std::pair<std::string, std::map<std::string, std::string>>> split_target(std::string_view target) {
  auto qpos = target.find('?');
  std::string path(target.substr(0, qpos));
  std::map<std::string, std::string> query;
  if (qpos != std::string_view::npos) {
    std::string_view rest = target.substr(qpos + 1);
    while (!rest.empty()) {
      auto amp = rest.find('&');
      std::string_view pair = rest.substr(0, amp);
      rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
      if (pair.empty()) continue;
      auto eq = pair.find('=');
      auto key = percent_decode(pair.substr(0, eq), true);
      auto value = percent_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1), true);
      if (!key.ok()) return key.error();
      if (!value.ok()) return value.error();
      query.emplace(std::move(key.value()), std::move(value.value()));
    }
  }
  return std::make_pair(std::move(path), std::move(query));
}

}  // namespace chatdb::http
