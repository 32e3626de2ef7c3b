#include "http/circuit_breaker.h"

namespace chatdb::http {

CircuitBreaker::CircuitBreaker(int failure_threshold, std::chrono::milliseconds open_for)
    : threshold_(failure_threshold), open_for_(open_for) {}

std::optional<std::chrono::milliseconds> CircuitBreaker::refuse(const std::string& key) {
  if (threshold_ <= 0) return std::nullopt;
  std::lock_guard lock(mutex_);
  auto it = circuits_.find(key);
  if (it == circuits_.end() || !it->second.open_until) return std::nullopt;
  Circuit& c = it->second;
  auto now = Clock::now();
  if (now < *c.open_until) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(*c.open_until - now) + std::chrono::milliseconds(1);
  }
  // Half-open: one trial at a time decides; the others keep failing fast meanwhile.
  if (c.trial_in_flight) return open_for_;
  c.trial_in_flight = true;
  return std::nullopt;
}

void CircuitBreaker::record(const std::string& key, bool success) {
  if (threshold_ <= 0) return;
  std::lock_guard lock(mutex_);
  Circuit& c = circuits_[key];
  c.trial_in_flight = false;
  if (success) {
    c = Circuit{};
    return;
  }
  if (++c.failures >= threshold_) c.open_until = Clock::now() + open_for_;
}

}  // namespace chatdb::http
