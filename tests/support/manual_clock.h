#pragma once

#include "common/time.h"

#include <atomic>
#include <chrono>

namespace chatdb::testing {

/// A wall clock that stands still until the test moves it, so a test of a timeout, a lease or a
/// backoff takes no time. Starts at a fixed instant; clock() must not outlive it.
class ManualClock {
 public:
  Clock clock() {
    return [this] { return std::chrono::system_clock::time_point(std::chrono::milliseconds(millis_.load())); };
  }
  void advance(std::chrono::milliseconds by) { millis_ += by.count(); }

 private:
  std::atomic<std::int64_t> millis_{1'767'225'600'000};  // 2026-01-01T00:00:00Z
};

}  // namespace chatdb::testing
