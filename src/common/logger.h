#pragma once

#include "common/json_line.h"

#include <nlohmann/json_fwd.hpp>

#include <string_view>

namespace chatdb {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

/// kJson: one JSON object per line (for collectors); kText: "HH:MM:SS level msg key=value ...",
/// for a person at a terminal.
enum class LogFormat { kJson, kText };

/// Process-wide structured logger: one line per entry on stderr, with `ts`, `level`, `msg` and
/// the given fields. Thread-safe; a line is never interleaved with another.
class Logger {
 public:
  static void set_level(LogLevel level);
  static void set_format(LogFormat format);
  static bool enabled(LogLevel level);
  static void log(LogLevel level, std::string_view message, const nlohmann::json& fields);
  /// The same line built without a JSON DOM, for hot paths such as the access log. Non-ASCII
  /// bytes in values pass through as they are.
  static void log(LogLevel level, std::string_view message, const JsonLine& fields);
  static void info(std::string_view message, const nlohmann::json& fields);
  static void warn(std::string_view message, const nlohmann::json& fields);
  static void error(std::string_view message, const nlohmann::json& fields);
};

}  // namespace chatdb
