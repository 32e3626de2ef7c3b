#pragma once

#include "bus/message_bus.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace chatdb::ml_engine {

/// Publishes one record per prediction batch on the predictions topic, {"request_id", "model",
/// "version", "count", "at"} keyed by model name, from a thread of its own so that a slow bus
/// never delays a prediction. At most `capacity` records wait; beyond that new ones are
/// dropped and counted (a failed publish is retried once, then counted as dropped).
/// Thread-safe; destruction publishes what is waiting, then stops.
class PredictionAudit {
 public:
  /// A batch of records gathers this long before it is published (or until kWakeAt wait).
  static constexpr std::chrono::milliseconds kFlushInterval{20};
  static constexpr std::size_t kWakeAt = 256;

  PredictionAudit(std::shared_ptr<bus::MessageBus> bus, std::string topic, std::size_t capacity = 10000);
  ~PredictionAudit();
  PredictionAudit(const PredictionAudit&) = delete;
  PredictionAudit& operator=(const PredictionAudit&) = delete;

  void record(const std::string& request_id, const std::string& model, std::int64_t version, std::size_t count);
  std::uint64_t published() const { return published_.load(); }
  std::uint64_t dropped() const { return dropped_.load(); }

 private:
  void run();

  std::shared_ptr<bus::MessageBus> bus_;
  std::string topic_;
  std::size_t capacity_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::pair<std::string, std::string>> queue_;  // key, payload
  bool stopping_ = false;
  std::atomic<std::uint64_t> published_{0};
  std::atomic<std::uint64_t> dropped_{0};
  std::thread thread_;
};

}  // namespace chatdb::ml_engine
