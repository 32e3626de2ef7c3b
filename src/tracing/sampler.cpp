#include "tracing/sampler.h"

#include "common/config.h"

#include <cmath>
#include <cstdint>
#include <cstdlib>

namespace chatdb::tracing {

bool Sampler::sample(const SpanContext* parent, std::string_view trace_id) const {
  if (parent_based && parent) return parent->sampled;
  switch (root) {
    case Root::kAlwaysOn:
      return true;
    case Root::kAlwaysOff:
      return false;
    case Root::kRatio: {
      if (ratio >= 1.0) return true;
      if (ratio <= 0.0 || trace_id.size() != 32) return false;
      // The trace id's last 8 bytes as a number in [0, 2^64): the same decision everywhere.
      std::uint64_t low = std::strtoull(std::string(trace_id.substr(16)).c_str(), nullptr, 16);
      return static_cast<double>(low) < ratio * 18446744073709551616.0;
    }
  }
  return false;
}

Sampler Sampler::parse(const std::string& name, const std::string& arg) {
  Sampler s;
  std::string root = name.empty() ? "parentbased_always_on" : name;
  if (root.rfind("parentbased_", 0) == 0) {
    root = root.substr(12);
  } else {
    s.parent_based = false;
  }
  if (root == "always_on") {
    s.root = Root::kAlwaysOn;
  } else if (root == "always_off") {
    s.root = Root::kAlwaysOff;
  } else if (root == "traceidratio") {
    s.root = Root::kRatio;
    if (!arg.empty()) {
      char* end = nullptr;
      double r = std::strtod(arg.c_str(), &end);
      if (end == arg.c_str() || *end != '\0' || !std::isfinite(r) || r < 0 || r > 1) {
        throw ConfigError("OTEL_TRACES_SAMPLER_ARG: '" + arg + "' is not a ratio between 0 and 1");
      }
      s.ratio = r;
    }
  } else {
    throw ConfigError("OTEL_TRACES_SAMPLER: '" + name +
                      "' is not one of always_on, always_off, traceidratio, parentbased_always_on, "
                      "parentbased_always_off, parentbased_traceidratio");
  }
  return s;
}

}  // namespace chatdb::tracing
