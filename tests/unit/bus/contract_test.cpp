// The MessageBus contract, run against every implementation: LocalBus in-process and KafkaBus
// against librdkafka's mock cluster on 127.0.0.1 (one cluster per test, stopped after it).

#include "bus/kafka_bus.h"
#include "bus/local_bus.h"
#include "bus/message_bus.h"
#include "bus/mock_kafka_cluster.h"
#include "tests/support/bus_recorder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <map>
#include <ostream>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace chatdb::bus {
namespace {

using namespace std::chrono_literals;

constexpr auto kBackoff = 50ms;
constexpr int kPartitions = 3;

/// A bus under test and fresh topics of kPartitions partitions on it.
class Harness {
 public:
  virtual ~Harness() = default;
  virtual MessageBus& bus() = 0;
  virtual std::string new_topic() = 0;

 protected:
  std::string next_name() { return "topic-" + std::to_string(++topics_); }

 private:
  int topics_ = 0;
};

class LocalHarness final : public Harness {
 public:
  MessageBus& bus() override { return bus_; }
  std::string new_topic() override { return next_name(); }

 private:
  LocalBus bus_{LocalBus::Options{.partitions = kPartitions, .retry_backoff = kBackoff}};
};

class KafkaHarness final : public Harness {
 public:
  KafkaHarness()
      : bus_(KafkaBus::Options{.bootstrap_servers = cluster_.bootstrap(), .retry_backoff = kBackoff}) {}
  MessageBus& bus() override { return bus_; }
  std::string new_topic() override {
    std::string name = next_name();
    Status created = cluster_.create_topic(name, kPartitions);
    EXPECT_TRUE(created.ok()) << created.error().message;
    return name;
  }

 private:
  MockKafkaCluster cluster_;  // declared first: outlives the bus
  KafkaBus bus_;
};

struct Backend {
  std::string name;
  std::function<std::unique_ptr<Harness>()> make;
};

// Names the parameter in test output (ctest lists it) instead of dumping its bytes.
void PrintTo(const Backend& backend, std::ostream* out) { *out << backend.name; }

class MessageBusContract : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override { harness_ = GetParam().make(); }
  MessageBus& bus() { return harness_->bus(); }
  std::string new_topic() { return harness_->new_topic(); }

  void publish(const std::string& topic, const std::string& key, int seq) {
    Status status = bus().publish(topic, key, payload(key, seq));
    ASSERT_TRUE(status.ok()) << status.error().message;
  }

  static std::string payload(const std::string& key, int seq) { return key + "#" + std::to_string(seq); }
  static int seq_of(const Message& m) { return std::stoi(m.payload.substr(m.payload.find('#') + 1)); }

  static std::unique_ptr<Subscription> record_all(MessageBus& bus, const std::string& topic, const std::string& group,
                                                  Recorder& recorder) {
    return bus.subscribe(topic, group, [&recorder](const Message& m) {
      recorder.add(m);
      return Status::success();
    });
  }

  std::unique_ptr<Harness> harness_;
};

TEST_P(MessageBusContract, DeliversTopicKeyPayloadAndPosition) {
  const std::string topic = new_topic();
  ASSERT_TRUE(bus().publish(topic, "order-1", R"({"n":1})").ok());  // before anyone subscribed
  Recorder seen;
  auto subscription = record_all(bus(), topic, "readers", seen);
  ASSERT_TRUE(bus().publish(topic, "order-1", R"({"n":2})").ok());

  ASSERT_TRUE(seen.wait_for_count(2));
  std::vector<Message> messages = seen.messages();
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].topic, topic);
  EXPECT_EQ(messages[0].key, "order-1");
  EXPECT_EQ(messages[0].payload, R"({"n":1})");
  EXPECT_EQ(messages[1].payload, R"({"n":2})");
  EXPECT_GE(messages[0].partition, 0);
  EXPECT_LT(messages[0].partition, kPartitions);
  EXPECT_EQ(messages[1].partition, messages[0].partition);
  EXPECT_GE(messages[0].offset, 0);
  EXPECT_EQ(messages[1].offset, messages[0].offset + 1);
}

TEST_P(MessageBusContract, KeepsPublishOrderPerKey) {
  const std::string topic = new_topic();
  constexpr int kKeys = 6;
  constexpr int kPerKey = 25;
  for (int seq = 0; seq < kPerKey; ++seq) {
    for (int k = 0; k < kKeys; ++k) publish(topic, "key-" + std::to_string(k), seq);
  }
  Recorder seen;
  auto subscription = record_all(bus(), topic, "readers", seen);
  ASSERT_TRUE(seen.wait_for_count(kKeys * kPerKey));

  std::map<std::string, std::vector<int>> order;
  std::map<std::string, std::set<int>> partitions_of_key;
  std::set<int> partitions;
  for (const Message& m : seen.messages()) {
    order[m.key].push_back(seq_of(m));
    partitions_of_key[m.key].insert(m.partition);
    partitions.insert(m.partition);
  }
  std::vector<int> expected(kPerKey);
  for (int i = 0; i < kPerKey; ++i) expected[i] = i;
  ASSERT_EQ(order.size(), static_cast<std::size_t>(kKeys));
  for (const auto& [key, seqs] : order) {
    EXPECT_EQ(seqs, expected) << key;
    EXPECT_EQ(partitions_of_key[key].size(), 1u) << key << " was spread over partitions";
  }
  EXPECT_GT(partitions.size(), 1u) << "the keys should exercise several partitions";
}

TEST_P(MessageBusContract, RedeliversAFailedMessageAfterABackoffAndSkipsNothing) {
  const std::string topic = new_topic();
  for (int seq = 0; seq < 10; ++seq) publish(topic, "job", seq);

  Recorder attempts;
  std::atomic<int> failures{0};
  std::chrono::steady_clock::time_point first_failure;
  std::chrono::steady_clock::time_point success;
  auto subscription = bus().subscribe(topic, "workers", [&](const Message& m) -> Status {
    attempts.add(m);
    if (seq_of(m) != 4) return Status::success();
    if (failures < 3) {
      if (failures++ == 0) first_failure = std::chrono::steady_clock::now();
      return Error::unavailable("injected failure");
    }
    success = std::chrono::steady_clock::now();
    return Status::success();
  });
  ASSERT_TRUE(attempts.wait_for_count(13));

  std::vector<int> seqs;
  for (const Message& m : attempts.messages()) seqs.push_back(seq_of(m));
  EXPECT_EQ(seqs, (std::vector<int>{0, 1, 2, 3, 4, 4, 4, 4, 5, 6, 7, 8, 9}));
  EXPECT_GE(success - first_failure, 3 * kBackoff);
}

TEST_P(MessageBusContract, ANewMemberResumesAfterTheLastAcknowledgedMessage) {
  const std::string topic = new_topic();
  for (int seq = 0; seq < 10; ++seq) publish(topic, "job", seq);

  Recorder first_attempts;
  {
    // Acknowledges 0-4, fails 5 forever: 5 and what follows stay unacknowledged.
    auto first = bus().subscribe(topic, "workers", [&](const Message& m) -> Status {
      first_attempts.add(m);
      if (seq_of(m) < 5) return Status::success();
      return Error::unavailable("injected failure");
    });
    ASSERT_TRUE(first_attempts.wait_until([](const std::vector<Message>& ms) {
      return std::any_of(ms.begin(), ms.end(), [](const Message& m) { return seq_of(m) == 5; });
    }));
  }
  for (int seq = 10; seq < 15; ++seq) publish(topic, "job", seq);

  Recorder second_attempts;
  auto second = record_all(bus(), topic, "workers", second_attempts);
  ASSERT_TRUE(second_attempts.wait_until([](const std::vector<Message>& ms) {
    return !ms.empty() && seq_of(ms.back()) == 14;
  }));

  std::set<int> acknowledged_first;
  for (const Message& m : first_attempts.messages()) {
    if (seq_of(m) < 5) acknowledged_first.insert(seq_of(m));
  }
  EXPECT_EQ(acknowledged_first, (std::set<int>{0, 1, 2, 3, 4}));
  std::vector<int> seqs;
  for (const Message& m : second_attempts.messages()) seqs.push_back(seq_of(m));
  // Nothing acknowledged comes again; everything else does, in order.
  EXPECT_EQ(seqs, (std::vector<int>{5, 6, 7, 8, 9, 10, 11, 12, 13, 14}));
}

TEST_P(MessageBusContract, EveryGroupGetsEveryMessage) {
  const std::string topic = new_topic();
  Recorder audit;
  Recorder billing;
  auto audit_subscription = record_all(bus(), topic, "audit", audit);
  auto billing_subscription = record_all(bus(), topic, "billing", billing);
  std::set<std::string> published;
  for (int seq = 0; seq < 5; ++seq) {
    for (int k = 0; k < 6; ++k) {
      publish(topic, "key-" + std::to_string(k), seq);
      published.insert(payload("key-" + std::to_string(k), seq));
    }
  }
  ASSERT_TRUE(audit.wait_for_count(published.size()));
  ASSERT_TRUE(billing.wait_for_count(published.size()));
  for (Recorder* group : {&audit, &billing}) {
    std::multiset<std::string> payloads;
    for (const Message& m : group->messages()) payloads.insert(m.payload);
    EXPECT_EQ(payloads, std::multiset<std::string>(published.begin(), published.end()));
  }
}

TEST_P(MessageBusContract, MembersOfOneGroupShareTheMessages) {
  const std::string topic = new_topic();
  Recorder by_a;
  Recorder by_b;
  Recorder by_either;
  auto member = [&](Recorder& mine) {
    return bus().subscribe(topic, "workers", [&mine, &by_either](const Message& m) {
      mine.add(m);
      by_either.add(m);
      return Status::success();
    });
  };
  auto member_a = member(by_a);
  auto member_b = member(by_b);
  const int kKeys = 12;

  // While members join, a rebalance may hand a message to both (at least once allows it), so
  // warm up (negative sequence numbers) until both hold partitions.
  bool both_active = false;
  for (int round = 1; round <= 30 && !both_active; ++round) {
    for (int k = 0; k < kKeys; ++k) publish(topic, "key-" + std::to_string(k), -round);
    both_active = by_either.wait_until(
        [&](const std::vector<Message>&) { return !by_a.messages().empty() && !by_b.messages().empty(); }, 1s);
  }
  ASSERT_TRUE(both_active) << "the second member never got a partition";

  std::set<std::string> published;
  for (int k = 0; k < kKeys; ++k) {
    for (int seq = 0; seq < 5; ++seq) {
      publish(topic, "key-" + std::to_string(k), seq);
      published.insert(payload("key-" + std::to_string(k), seq));
    }
  }
  auto measured = [](const std::vector<Message>& messages) {
    std::multiset<std::string> payloads;
    for (const Message& m : messages) {
      if (seq_of(m) >= 0) payloads.insert(m.payload);
    }
    return payloads;
  };
  ASSERT_TRUE(by_either.wait_until([&](const std::vector<Message>& ms) { return measured(ms).size() >= published.size(); }));

  // Every message once (none lost, none handled by both members), and both members worked.
  EXPECT_EQ(measured(by_either.messages()), std::multiset<std::string>(published.begin(), published.end()));
  EXPECT_FALSE(measured(by_a.messages()).empty());
  EXPECT_FALSE(measured(by_b.messages()).empty());
}

TEST_P(MessageBusContract, CheckSucceedsWhileTheBusIsUp) {
  Status status = bus().check();
  EXPECT_TRUE(status.ok()) << status.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Backends, MessageBusContract,
    ::testing::Values(Backend{"Local", [] { return std::unique_ptr<Harness>(new LocalHarness); }},
                      Backend{"Kafka", [] { return std::unique_ptr<Harness>(new KafkaHarness); }}),
    [](const ::testing::TestParamInfo<Backend>& info) { return info.param.name; });

}  // namespace
}  // namespace chatdb::bus
