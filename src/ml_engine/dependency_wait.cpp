#include "ml_engine/dependency_wait.h"

#include "common/logger.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <thread>

namespace chatdb::ml_engine {

DependencyWait::DependencyWait(Options options, std::function<void(const std::string&)> note, std::function<bool()> stop)
    : options_(options), note_(std::move(note)), stop_(std::move(stop)) {}

std::optional<Error> DependencyWait::wait(const std::string& dependency, const Error& error) {
  using namespace std::chrono;
  if (waited_ >= options_.budget) {
    Logger::warn("dependency retry budget spent", {{"dependency", dependency}, {"error", error.message}});
    return Error{ErrorCode::kUnavailable,
                 "gave up after waiting " + std::to_string(duration_cast<seconds>(waited_).count()) + " s for " + dependency +
                     " (CHATDB_DEPENDENCY_RETRY_BUDGET_S): " + error.message,
                 false};
  }
  delay_ = delay_.count() == 0 ? options_.first_delay : std::min(delay_ * 2, options_.max_delay);
  auto sleep = std::min(delay_, options_.budget - waited_);
  note_("waiting for " + dependency + ": " + error.message);
  if (!noted_) Logger::info("waiting for a dependency", {{"dependency", dependency}, {"error", error.message}});
  noted_ = true;
  auto until = steady_clock::now() + sleep;
  while (steady_clock::now() < until) {
    if (stop_()) return error;
    std::this_thread::sleep_for(std::min<steady_clock::duration>(milliseconds(100), until - steady_clock::now()));
  }
  waited_ += sleep;
  return std::nullopt;
}

void DependencyWait::settle() {
  delay_ = std::chrono::milliseconds(0);
  if (!noted_) return;
  noted_ = false;
  note_("");
}

std::string dataset_dependency(const std::string& location) {
  auto scheme = location.substr(0, location.find("://"));
  if (scheme == "s3") return "S3";
  if (scheme == "table") return "the data source";
  return "the dataset store";
}

}  // namespace chatdb::ml_engine
