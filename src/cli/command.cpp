#include "cli/command.h"

namespace chatdb::cli {

void SettingFlags::add_to(CLI::App& app) {
  for (const auto& s : Config::settings()) {
    std::string help = s.help + " [env " + s.env + (s.default_value.empty() ? "" : ", default " + s.default_value) + "]";
    app.add_option("--" + s.flag, values_[s.env], help)->group("Settings");
  }
}

Config SettingFlags::load(const CLI::App& app) const {
  auto values = Config::environment_values();
  for (const auto& s : Config::settings()) {
    if (app.count("--" + s.flag) > 0) values[s.env] = values_.at(s.env);
  }
  Config config = Config::from_values(values);
  Logger::set_level(config.log_level);
  Logger::set_format(config.log_format);
  return config;
}

}  // namespace chatdb::cli
