#pragma once

#include "common/config.h"

#include <CLI/CLI.hpp>

#include <functional>
#include <map>
#include <string>

namespace chatdb::cli {

/// One subcommand of `chatdb`: the function that makes it declares its options on `app`, and
/// `run` executes it with the configuration once the command line is parsed.
struct Command {
  CLI::App* app;
  std::function<int(Config)> run;
};

/// Every setting of Config as a flag of a subcommand; a flag wins over the environment variable
/// of the same setting.
class SettingFlags {
 public:
  void add_to(CLI::App& app);
  /// The environment, then the flags given to `app`; sets the log level. Throws ConfigError.
  Config load(const CLI::App& app) const;

 private:
  std::map<std::string, std::string> values_;
};

}  // namespace chatdb::cli
