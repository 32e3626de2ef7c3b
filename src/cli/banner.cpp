#include "cli/banner.h"

#include "common/build_info.h"

#include <cstdio>

namespace chatdb::cli {

std::string redact_password(const std::string& url) {
  auto scheme = url.find("://");
  auto at = url.find('@');
  if (scheme == std::string::npos || at == std::string::npos) return url;
  auto colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

void print_banner(const Config& config, const std::vector<BannerLine>& services, auth::Authenticator& authenticator) {
  std::string host = config.host == "0.0.0.0" ? "127.0.0.1" : config.host;
  auto url = [&](std::uint16_t port) { return "http://" + host + ":" + std::to_string(port); };
  std::printf("ChatDB %s is up (%zu service%s, metadata %s, bus %s)\n", BuildInfo::version(), services.size(),
              services.size() == 1 ? "" : "s", redact_password(config.database_url).c_str(),
              config.bus_url.c_str());
  for (const auto& s : services) std::printf("  %-22s %s\n", s.name.c_str(), url(s.port).c_str());
  if (authenticator.enforcing()) {
    std::printf("API keys: %zu in %s; every request but /health, /ready and /metrics needs Authorization: Bearer TOKEN\n",
                authenticator.key_count(), config.api_keys_file.c_str());
  } else {
    std::printf("no API keys: every request is allowed; create one with chatdb keys create\n");
  }
  std::printf("Try:\n");
  for (const auto& s : services) {
    std::string line = s.try_line;
    if (auto at = line.find("{url}"); at != std::string::npos) line.replace(at, 5, url(s.port));
    if (!line.empty()) std::printf("  %s\n", line.c_str());
  }
  if (!services.empty()) {
    std::string first = url(services.front().port);
    std::printf("  curl %s/health\n  curl %s/metrics\n", first.c_str(), first.c_str());
  }
  std::printf("Stop with Ctrl-C.\n");
  std::fflush(stdout);
}

}  // namespace chatdb::cli
