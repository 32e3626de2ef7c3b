#pragma once

#include "bus/message_bus.h"

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

namespace chatdb::bus {

/// The in-process bus of `chatdb up`. Each topic is an append-only log in memory, split into
/// partitions by a hash of the key (so one key keeps its order); each consumer group has its
/// own committed offset per partition and shares the partitions among its subscriptions, as
/// Kafka does. Every subscription has one delivery thread. A handler error leaves the offset
/// where it was and the same message is delivered again after `retry_backoff`.
///
/// Nothing survives the process: the embedded mode's durable record is its metadata store
/// (the outbox), the bus is transport. A partition keeps its newest `retained_per_partition`
/// messages; a group that falls further behind skips the dropped ones, as with Kafka retention.
/// Topics exist from their first publish or subscribe. Thread-safe; a subscription may outlive
/// the bus that made it.
class LocalBus final : public MessageBus {
 public:
  struct Options {
    int partitions = 4;                              // per topic, fixed when the topic is made
    std::chrono::milliseconds retry_backoff{500};    // before a failed message is redelivered
    std::size_t retained_per_partition = 100000;     // older messages are dropped
  };

  LocalBus();
  explicit LocalBus(Options options);
  ~LocalBus() override;

  /// Appends to the topic's log; never fails once the arguments are valid (a non-empty topic).
  Status publish(const std::string& topic, const std::string& key, const std::string& payload) override;
  std::unique_ptr<Subscription> subscribe(const std::string& topic, const std::string& group, Handler handler) override;
  /// Always succeeds: an in-process bus is reachable while the process runs.
  Status check() override;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace chatdb::bus
