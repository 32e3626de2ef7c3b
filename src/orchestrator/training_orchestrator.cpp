#include "orchestrator/training_orchestrator.h"

namespace chatdb::orchestrator {

std::string TrainingOrchestrator::summary() const {
  return "Accepts, queues, admits by CPU, tracks, cancels and retries training jobs.";
}

}  // namespace chatdb::orchestrator
