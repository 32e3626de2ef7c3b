#pragma once

#include "common/error.h"

#include <chrono>
#include <functional>
#include <optional>
#include <string>

namespace chatdb::ml_engine {

/// Waits out dependencies that are away during one attempt of a job (S3, PostgreSQL, the
/// registry), so that a short outage does not use up the job's own retries: a step that fails
/// with kUnavailable is tried again with exponential backoff until it succeeds, fails in
/// another way, `stop` says so, or the attempt has waited its budget in total. Meanwhile
/// `note` gets "waiting for DEPENDENCY: ERROR", and "" once the dependency is back.
/// Not thread-safe: one per attempt, used by its training thread.
class DependencyWait {
 public:
  struct Options {
    std::chrono::milliseconds budget{600'000};  // CHATDB_DEPENDENCY_RETRY_BUDGET_S
    std::chrono::milliseconds first_delay{500};
    std::chrono::milliseconds max_delay{15'000};
  };

  DependencyWait(Options options, std::function<void(const std::string&)> note, std::function<bool()> stop);

  /// The step's value, or its error; when the budget runs out, kUnavailable that is not
  /// retryable: "gave up after waiting N s for DEPENDENCY: ERROR".
  template <class T>
  Result<T> run(const std::string& dependency, const std::function<Result<T>()>& step) {
    for (;;) {
      auto out = step();
      if (out || out.error().code != ErrorCode::kUnavailable) {
        settle();
        return out;
      }
      if (auto gave_up = wait(dependency, out.error())) return *gave_up;
    }
  }

  /// How long this attempt has waited for dependencies so far.
  std::chrono::milliseconds waited() const { return waited_; }

 private:
  /// Sleeps the next delay; the error to return instead when the budget is spent or stop()
  /// says so (then the step's own error, for the caller to see why it stopped).
  std::optional<Error> wait(const std::string& dependency, const Error& error);
  void settle();

  Options options_;
  std::function<void(const std::string&)> note_;
  std::function<bool()> stop_;
  std::chrono::milliseconds waited_{0};
  std::chrono::milliseconds delay_{0};
  bool noted_ = false;
};

/// What a dataset location depends on, as a job's status names it: "S3", "PostgreSQL", ...
std::string dataset_dependency(const std::string& location);

}  // namespace chatdb::ml_engine
