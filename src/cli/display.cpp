#include "cli/display.h"

#include <cmath>
#include <cstdio>

namespace chatdb::cli {

std::string display(const nlohmann::json& value) {
  if (value.is_null()) return "NULL";
  if (value.is_string()) return value.get<std::string>();
  if (!value.is_number_float()) return value.dump();
  double v = value.get<double>();
  if (!std::isfinite(v)) return value.dump();
  char buf[64];
  if (v == std::trunc(v) && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
  if (std::fabs(v) >= 100) {
    std::snprintf(buf, sizeof buf, "%.2f", v);
    std::string s = buf;
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
    return s;
  }
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

std::string display_metrics(const nlohmann::json& metrics) {
  if (!metrics.is_object() || metrics.empty()) return "-";
  std::string out;
  for (const auto& [name, value] : metrics.items()) {
    if (!value.is_number()) continue;
    out += (out.empty() ? "" : ", ") + name + " " + display(value);
  }
  return out.empty() ? "-" : out;
}

}  // namespace chatdb::cli
