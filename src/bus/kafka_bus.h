#pragma once

#include "bus/message_bus.h"

#include <chrono>
#include <memory>
#include <string>

namespace chatdb::bus {

/// The bus on Apache Kafka, through librdkafka (kept out of this header).
///
/// - publish: an idempotent producer with acks=all; waits for the broker's acknowledgement.
///   A message not acknowledged within `delivery_timeout` (broker down or unreachable, no
///   leader, or a topic that does not exist yet) gives `unavailable`; a topic the cluster has
///   reported missing gives `not_found`. Topics are never created here: the broker tool or the
///   Kubernetes job makes them.
/// - subscribe: one KafkaConsumer and one thread per subscription, in consumer group `group`,
///   starting at the earliest offset when the group has none. Offsets are stored only after
///   the handler succeeded and committed automatically (and on close); after a handler error
///   the consumer seeks back and delivers the same message again after `retry_backoff`.
/// - check: a metadata request answered within `check_timeout`, else `unavailable`.
/// Thread-safe; a subscription may outlive the bus that made it.
class KafkaBus final : public MessageBus {
 public:
  struct Options {
    std::string bootstrap_servers;                     // "host:port[,host:port...]"
    std::chrono::milliseconds delivery_timeout{5000};  // message.timeout.ms
    std::chrono::milliseconds check_timeout{2000};
    std::chrono::milliseconds retry_backoff{500};      // before a failed message comes again
    std::chrono::milliseconds session_timeout{6000};   // a dead member's partitions move after this
    std::chrono::milliseconds max_handler_time{600000};  // a slower handler loses its partitions
  };

  /// Creates the producer. Throws std::runtime_error if librdkafka rejects the configuration
  /// (start-up only). No connection is awaited: an unreachable broker shows in publish/check.
  explicit KafkaBus(Options options);
  /// Waits up to `delivery_timeout` for messages still in flight.
  ~KafkaBus() override;

  Status publish(const std::string& topic, const std::string& key, const std::string& payload) override;
  /// Throws std::runtime_error if librdkafka rejects the consumer configuration.
  std::unique_ptr<Subscription> subscribe(const std::string& topic, const std::string& group, Handler handler) override;
  Status check() override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace chatdb::bus
