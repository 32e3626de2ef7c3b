#pragma once

#include "cli/command.h"

#include <vector>

namespace chatdb::cli {

/// `chatdb keys create NAME --scopes read,write,admin` (adds a key to the keys file and prints
/// its token, the only time it is shown), `chatdb keys list` (name, scopes and creation time of
/// each key; never a token or hash) and `chatdb keys revoke NAME` (running services refuse it
/// within seconds). Exit status 0, or 1 with the reason.
std::vector<Command> add_keys(CLI::App& app);

}  // namespace chatdb::cli
