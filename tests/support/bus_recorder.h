#pragma once

#include "bus/message_bus.h"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <vector>

namespace chatdb::bus {

/// What handlers saw, in order, shared between delivery threads and the test, with bounded
/// waits for a condition on it.
class Recorder {
 public:
  void add(const Message& message) {
    {
      std::lock_guard lock(mutex_);
      messages_.push_back(message);
    }
    changed_.notify_all();
  }

  /// True once `done(messages)` holds, false if it does not within `timeout`.
  bool wait_until(const std::function<bool(const std::vector<Message>&)>& done,
                  std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return done(messages_); });
  }

  bool wait_for_count(std::size_t count, std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    return wait_until([count](const std::vector<Message>& m) { return m.size() >= count; }, timeout);
  }

  std::vector<Message> messages() const {
    std::lock_guard lock(mutex_);
    return messages_;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Message> messages_;
};

}  // namespace chatdb::bus
