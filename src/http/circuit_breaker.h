#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace chatdb::http {

/// One circuit per key (a host:port): after `failure_threshold` failures in a row it opens and
/// calls are refused at once for `open_for`; then one trial call goes through (half-open): its
/// success closes the circuit, its failure opens it again. A threshold of 0 disables it.
/// Thread-safe.
class CircuitBreaker {
 public:
  using Clock = std::chrono::steady_clock;

  CircuitBreaker(int failure_threshold, std::chrono::milliseconds open_for);

  /// Empty when a call to `key` may go ahead now (and, half-open, reserves the trial);
  /// otherwise how long until one may.
  std::optional<std::chrono::milliseconds> refuse(const std::string& key);
  void record(const std::string& key, bool success);

 private:
  struct Circuit {
    int failures = 0;
    std::optional<Clock::time_point> open_until;
    bool trial_in_flight = false;
  };

  int threshold_;
  std::chrono::milliseconds open_for_;
  std::mutex mutex_;
  std::map<std::string, Circuit> circuits_;
};

}  // namespace chatdb::http
