#pragma once

#include "tracing/trace_context.h"

#include <string>
#include <string_view>

namespace chatdb::tracing {

/// Decides whether a new span is sampled, as OTEL_TRACES_SAMPLER names it: always_on,
/// always_off, traceidratio (OTEL_TRACES_SAMPLER_ARG, 0..1, by the trace id, so every service
/// decides the same for one trace) and parentbased_* (a span with a parent follows the parent's
/// sampled flag; a root uses the named sampler).
struct Sampler {
  enum class Root { kAlwaysOn, kAlwaysOff, kRatio };
  Root root = Root::kAlwaysOn;
  double ratio = 1.0;
  bool parent_based = true;

  bool sample(const SpanContext* parent, std::string_view trace_id) const;
  /// Throws ConfigError naming the variable for an unknown name or a bad ratio.
  static Sampler parse(const std::string& name, const std::string& arg);
};

}  // namespace chatdb::tracing
