#pragma once

#include "common/error.h"

#include <memory>
#include <string>

namespace chatdb::bus {

/// librdkafka's mock cluster: real Kafka-protocol brokers on 127.0.0.1 (ephemeral ports unless
/// the process arranges otherwise, see tests/support/test_broker.cpp), with consumer groups and
/// committed offsets, all in memory. For tests, benchmarks and chatdb-test-broker; never linked
/// into chatdb. Topics are created explicitly (brokers do not auto-create them for consumers).
/// Thread-safe: librdkafka serialises every call on the cluster's own thread.
class MockKafkaCluster {
 public:
  /// Starts `brokers` brokers; throws std::runtime_error if librdkafka cannot (start-up only).
  explicit MockKafkaCluster(int brokers = 1);
  ~MockKafkaCluster();
  MockKafkaCluster(const MockKafkaCluster&) = delete;
  MockKafkaCluster& operator=(const MockKafkaCluster&) = delete;

  /// "127.0.0.1:PORT[,127.0.0.1:PORT...]", for bootstrap.servers.
  const std::string& bootstrap() const;

  /// Creates `topic` with `partitions` partitions replicated on every broker (at most 3).
  /// Fails with invalid (bad name or count) or conflict (exists).
  Status create_topic(const std::string& topic, int partitions);

  /// Every broker drops its connections and refuses new ones; data and offsets are kept.
  void set_brokers_down();
  /// Brokers accept connections again, on the same addresses.
  void set_brokers_up();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace chatdb::bus
