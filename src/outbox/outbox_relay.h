#pragma once

#include "bus/message_bus.h"
#include "metadata/metadata_store.h"

#include "common/periodic_worker.h"

#include <atomic>
#include <chrono>

namespace chatdb::outbox {

struct RelayOptions {
  std::chrono::milliseconds poll_interval{200};  // when nobody calls notify()
  std::chrono::milliseconds initial_backoff{100};
  std::chrono::milliseconds max_backoff{5000};
  int batch_size = 200;
  std::chrono::hours retention{24};  // published rows older than this are deleted
  std::string service;  // whose producer spans the publishes are (the service that appends)
};

/// Publishes the outbox to the bus in id order, on a thread of its own. An event is marked
/// published only after the bus acknowledged it, so a crash between the two publishes it
/// again after restart (consumers deduplicate by id): nothing committed is lost. While the
/// bus is down it retries the same event with exponential backoff (which notify() does not cut
/// short), so per-key order holds. Each event is published in the trace stored with it.
class OutboxRelay {
 public:
  OutboxRelay(metadata::MetadataStore& store, bus::MessageBus& bus, RelayOptions options = {});
  ~OutboxRelay();
  OutboxRelay(const OutboxRelay&) = delete;
  OutboxRelay& operator=(const OutboxRelay&) = delete;

  void start();
  void stop();
  /// Wakes the relay now (after a commit that appended events).
  void notify();
  /// One pass: publishes pending events in order until none is left or one fails. Returns how
  /// many were published, or the first error. Used by the thread; callable directly.
  Result<int> publish_pending();
  /// Events published by this relay since it was created.
  std::int64_t published() const { return published_.load(); }

 private:
  PeriodicWorker::Pause step();
  void delete_old_published();

  metadata::MetadataStore& store_;
  bus::MessageBus& bus_;
  RelayOptions options_;
  std::chrono::milliseconds backoff_;
  std::chrono::steady_clock::time_point last_cleanup_ = std::chrono::steady_clock::now();
  std::atomic<std::int64_t> published_{0};
  PeriodicWorker worker_;
};

}  // namespace chatdb::outbox
