#pragma once

#include "auth/authenticator.h"
#include "common/config.h"

#include <cstdint>
#include <string>
#include <vector>

namespace chatdb::cli {

/// A service as the start-up banner shows it: where it listens, and a line for "Try:" (empty
/// for none; "{url}" stands for the service's URL).
struct BannerLine {
  std::string name;
  std::uint16_t port;
  std::string try_line;
};

/// What `chatdb up` and `chatdb serve` print once every service listens: the version, the
/// backends (passwords hidden), each service's URL, whether API keys are needed, what to try.
void print_banner(const Config& config, const std::vector<BannerLine>& services, auth::Authenticator& authenticator);

/// postgresql://user:secret@host/db -> postgresql://user:***@host/db: banners end up in logs.
std::string redact_password(const std::string& url);

}  // namespace chatdb::cli
