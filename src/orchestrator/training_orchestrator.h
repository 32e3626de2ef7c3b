#pragma once

#include "runtime/service.h"

#include <string>

namespace chatdb::orchestrator {

/// Accepts, queues, admits by CPU, tracks, cancels and retries training jobs.
class TrainingOrchestrator : public runtime::Service {
 public:

  static constexpr std::string_view kName = "training-orchestrator";

  std::string name() const override { return std::string(kName); }
  std::string summary() const override;
};

}  // namespace chatdb::orchestrator
