#include "auth/scope.h"

#include <algorithm>
#include <array>

namespace chatdb::auth {

std::string_view to_string(Scope scope) {
  switch (scope) {
    case Scope::kRead: return "read";
    case Scope::kWrite: return "write";
    case Scope::kAdmin: return "admin";
  }
  return "read";
}

Result<Scope> parse_scope(std::string_view name) {
  for (Scope s : {Scope::kRead, Scope::kWrite, Scope::kAdmin}) {
    if (name == to_string(s)) return s;
  }
  return Error::invalid("unknown scope '" + std::string(name) + "'; scopes are read, write and admin");
}

Result<std::vector<Scope>> parse_scopes(std::string_view comma_list) {
  std::vector<Scope> out;
  while (true) {
    auto comma = comma_list.find(',');
    std::string_view part = comma_list.substr(0, comma);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    if (!part.empty()) {
      auto scope = parse_scope(part);
      if (!scope) return scope.error();
      if (std::find(out.begin(), out.end(), *scope) == out.end()) out.push_back(*scope);
    }
    if (comma == std::string_view::npos) break;
    comma_list.remove_prefix(comma + 1);
  }
  if (out.empty()) return Error::invalid("no scope given; scopes are read, write and admin");
  return out;
}

std::string join(const std::vector<Scope>& scopes) {
  std::string out;
  for (Scope s : scopes) out += (out.empty() ? "" : ",") + std::string(to_string(s));
  return out;
}

std::optional<Scope> required_scope(std::string_view method, std::string_view route) {
  constexpr std::array<std::string_view, 3> kProbes = {"/health", "/ready", "/metrics"};
  constexpr std::array<std::string_view, 3> kReadOnlyPosts = {"/parse", "/query", "/predict"};
  if (std::find(kProbes.begin(), kProbes.end(), route) != kProbes.end()) return std::nullopt;
  if (method == "GET" || method == "HEAD") return Scope::kRead;
  if (method == "POST" && std::find(kReadOnlyPosts.begin(), kReadOnlyPosts.end(), route) != kReadOnlyPosts.end()) {
    return Scope::kRead;
  }
  if (method == "DELETE") return Scope::kAdmin;
  return Scope::kWrite;
}

}  // namespace chatdb::auth
