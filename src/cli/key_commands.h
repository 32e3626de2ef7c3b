#pragma once

#include "common/config.h"

#include <string>

namespace chatdb::cli {

/// `chatdb keys create NAME --scopes read,write,admin`: adds a key to the keys file and prints
/// its token, the only time it is shown. Exit status 0, or 1 with the reason.
int keys_create(const Config& config, const std::string& name, const std::string& scopes);

/// `chatdb keys list`: name, scopes and creation time of each key (never a token or hash).
int keys_list(const Config& config);

/// `chatdb keys revoke NAME`: removes the key; running services refuse it within seconds.
int keys_revoke(const Config& config, const std::string& name);

}  // namespace chatdb::cli
