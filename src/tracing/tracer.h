#pragma once

#include "tracing/batch_span_processor.h"
#include "tracing/sampler.h"
#include "tracing/span.h"

#include <memory>
#include <string>

namespace chatdb::tracing {

/// The process-wide switch between spans and their export. Off until install(): spans still
/// get contexts (propagated and logged) but none is recorded. Thread-safe.
class Tracer {
 public:
  /// Spans from now on are sampled by `sampler` and the recorded ones go to `processor`.
  static void install(Sampler sampler, std::shared_ptr<BatchSpanProcessor> processor);
  /// Back to off; returns the processor (whose destructor exports what is left).
  static std::shared_ptr<BatchSpanProcessor> uninstall();

  static bool enabled();
  static bool sample(const SpanContext* parent, std::string_view trace_id);
  static void submit(SpanData span);
  /// Spans of `service` dropped (queue full or collector failing), or 0 when off.
  static std::int64_t dropped(const std::string& service);
  static std::int64_t exported(const std::string& service);
};

}  // namespace chatdb::tracing
