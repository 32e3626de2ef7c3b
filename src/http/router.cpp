#include "http/router.h"

#include <algorithm>
#include <stdexcept>

namespace chatdb::http {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start < path.size()) {
    if (path[start] == '/') {
      ++start;
      continue;
    }
    auto end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    out.push_back(path.substr(start, end - start));
    start = end;
  }
  return out;
}

bool is_capture(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// "{name...}" as the last segment: one or more segments, kept as they came (still encoded).
bool is_tail_capture(const std::string& segment) {
  return is_capture(segment) && segment.size() > 5 && segment.compare(segment.size() - 4, 4, "...}") == 0;
}

}  // namespace

Router::Router(std::initializer_list<std::string> prefixes) : prefixes_(prefixes) {}
Router::Router(std::vector<std::string> prefixes) : prefixes_(std::move(prefixes)) {}

void Router::add(std::string method, const std::string& pattern, Handler handler, RouteOptions options) {
  if (pattern.empty() || pattern.front() != '/') throw std::invalid_argument("route pattern must start with '/': " + pattern);
  for (const auto& prefix : prefixes_) {
    Route route{method, pattern, {}, handler, options};
    const std::string full = prefix + pattern;
    for (auto part : split_path(full)) route.segments.emplace_back(part);
    routes_.push_back(std::move(route));
  }
}

RouteMatch Router::match(std::string_view method, std::string_view path) const {
  auto parts = split_path(path);
  RouteMatch result;
  std::vector<std::string> allowed;
  for (const auto& route : routes_) {
    bool tail = !route.segments.empty() && is_tail_capture(route.segments.back());
    if (tail ? parts.size() < route.segments.size() : route.segments.size() != parts.size()) continue;
    std::map<std::string, std::string> params;
    bool ok = true;
    for (std::size_t i = 0; i < route.segments.size() && ok; ++i) {
      const auto& seg = route.segments[i];
      if (tail && i + 1 == route.segments.size()) {
        std::string rest;
        for (std::size_t j = i; j < parts.size(); ++j) rest += (j > i ? "/" : "") + std::string(parts[j]);
        params[seg.substr(1, seg.size() - 5)] = std::move(rest);
      } else if (is_capture(seg)) {
        auto decoded = percent_decode(parts[i], false);
        ok = decoded.ok();
        if (ok) params[seg.substr(1, seg.size() - 2)] = std::move(decoded.value());
      } else {
        ok = seg == parts[i];
      }
    }
    if (!ok) continue;
    if (route.method == method) {
      result.route = &route;
      result.status = 200;
      result.params = std::move(params);
      return result;
    }
    if (std::find(allowed.begin(), allowed.end(), route.method) == allowed.end()) allowed.push_back(route.method);
  }
  if (!allowed.empty()) {
    result.status = 405;
    for (std::size_t i = 0; i < allowed.size(); ++i) result.allow += (i ? ", " : "") + allowed[i];
  }
  return result;
}

}  // namespace chatdb::http
