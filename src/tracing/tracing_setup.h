#pragma once

#include "tracing/tracing_config.h"

namespace chatdb::tracing {

/// Turns tracing on for its lifetime as `config` says (nothing when it is off): installs the
/// sampler and a batch processor that exports to the OTLP endpoint. The destructor turns it
/// off and exports what is queued. One at a time per process.
class TracingSetup {
 public:
  explicit TracingSetup(const TracingConfig& config);
  ~TracingSetup();
  TracingSetup(const TracingSetup&) = delete;
  TracingSetup& operator=(const TracingSetup&) = delete;

 private:
  bool installed_ = false;
};

}  // namespace chatdb::tracing
