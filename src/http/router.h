#pragma once

#include "http/request.h"
#include "http/response.h"

#include <cstddef>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chatdb::http {

using Handler = std::function<Response(const Request&)>;

/// Per-route settings; zero means "the server's default".
struct RouteOptions {
  std::size_t max_body_bytes = 0;
  /// Run on the I/O thread: only for handlers that never block (health, metrics).
  bool inline_handler = false;
  /// Runs on a handler thread once the headers are in, before the body is read (the request
  /// it gets has no body): a response refuses the request without reading the body, so a large
  /// upload that must fail (409) is refused before it is buffered; nullopt reads on.
  std::function<std::optional<Response>(const Request&)> before_body = nullptr;
};

/// A registered route. `pattern` (without mount prefix) is the label metrics use.
struct Route {
  std::string method;
  std::string pattern;
  std::vector<std::string> segments;  // of prefix + pattern; "{name}" captures one segment
  Handler handler;
  RouteOptions options;
};

/// The outcome of matching a method and path.
struct RouteMatch {
  const Route* route = nullptr;  // set when status == 200
  int status = 404;              // 200, 404, or 405 (path known, method not)
  std::string allow;             // for 405: the methods the path accepts, comma-separated
  std::map<std::string, std::string> params;
};

/// Maps method + path to a handler. Patterns are literal segments and `{name}` captures, and a
/// last segment `{name...}` captures one or more remaining segments undecoded; each
/// route is mounted under every prefix given at construction ("" for the bare path). A trailing
/// slash is ignored. Not thread-safe to add to; matching is read-only and safe once built.
class Router {
 public:
  Router(std::initializer_list<std::string> prefixes = {""});
  explicit Router(std::vector<std::string> prefixes);

  void add(std::string method, const std::string& pattern, Handler handler, RouteOptions options = {});
  RouteMatch match(std::string_view method, std::string_view path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<std::string> prefixes_;
  std::vector<Route> routes_;
};

}  // namespace chatdb::http
