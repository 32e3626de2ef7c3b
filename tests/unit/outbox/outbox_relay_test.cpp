// The transactional outbox: what commits is published, in order, once per id after
// deduplication, across bus outages and a relay that dies between publish and mark.

#include "bus/local_bus.h"
#include "metadata/schema_migrator.h"
#include "metadata/sqlite_store.h"
#include "outbox/outbox.h"
#include "outbox/outbox_relay.h"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>

namespace chatdb::outbox {
namespace {

using namespace std::chrono_literals;

// A bus in front of the real LocalBus that can be switched down, and can run a hook after a
// successful publish (to simulate a crash right after it).
class SwitchableBus : public bus::MessageBus {
 public:
  explicit SwitchableBus(bus::MessageBus& inner) : inner_(inner) {}
  Status publish(const std::string& topic, const std::string& key, const std::string& payload) override {
    if (down) return Error::unavailable("broker down (test)");
    Status st = inner_.publish(topic, key, payload);
    if (st.ok() && after_publish) after_publish();
    return st;
  }
  std::unique_ptr<bus::Subscription> subscribe(const std::string& t, const std::string& g, bus::Handler h) override {
    return inner_.subscribe(t, g, std::move(h));
  }
  Status check() override { return down ? Status(Error::unavailable("down")) : Status::success(); }

  std::atomic<bool> down{false};
  std::function<void()> after_publish;

 private:
  bus::MessageBus& inner_;
};

// A store in front of SQLite whose transactions can be made to fail: the "process" dies.
class BreakableStore : public metadata::MetadataStore {
 public:
  explicit BreakableStore(metadata::MetadataStore& inner) : inner_(inner) {}
  Status transact(const std::function<Status(metadata::Transaction&)>& work) override {
    if (broken) return Error::unavailable("process crashed (test)");
    return inner_.transact(work);
  }
  Status check() override { return inner_.check(); }
  metadata::Dialect dialect() const override { return inner_.dialect(); }
  std::atomic<bool> broken{false};

 private:
  metadata::MetadataStore& inner_;
};

// Consumes a topic and keeps the first delivery of each event id, as real consumers do.
class DedupingConsumer {
 public:
  DedupingConsumer(bus::MessageBus& bus, const std::string& topic) {
    sub_ = bus.subscribe(topic, "test-consumer", [this](const bus::Message& m) {
      auto j = nlohmann::json::parse(m.payload);
      std::lock_guard lock(mutex_);
      ++deliveries_;
      if (seen_.insert(j["id"].get<int>()).second) per_key_[m.key].push_back(j["id"].get<int>());
      cv_.notify_all();
      return Status::success();
    });
  }
  bool wait_for_unique(std::size_t n, std::chrono::milliseconds timeout = 10s) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, timeout, [&] { return seen_.size() >= n; });
  }
  std::map<std::string, std::vector<int>> per_key() {
    std::lock_guard lock(mutex_);
    return per_key_;
  }
  std::size_t unique() {
    std::lock_guard lock(mutex_);
    return seen_.size();
  }
  int deliveries() {
    std::lock_guard lock(mutex_);
    return deliveries_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::set<int> seen_;
  std::map<std::string, std::vector<int>> per_key_;
  int deliveries_ = 0;
  std::unique_ptr<bus::Subscription> sub_;
};

class OutboxRelayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("outbox-" + std::to_string(::getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    store_ = std::make_unique<metadata::SqliteStore>((dir_ / "m.db").string());
    ASSERT_TRUE(metadata::SchemaMigrator::migrate(*store_).ok());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Commits events [from, to) spread over three keys.
  void commit_events(int from, int to) {
    for (int i = from; i < to; ++i) {
      Status st = store_->transact([&](metadata::Transaction& tx) {
        return append(tx, "events", "key-" + std::to_string(i % 3), nlohmann::json{{"id", i}}.dump());
      });
      ASSERT_TRUE(st.ok()) << st.error().message;
    }
  }

  static void expect_in_order(const std::map<std::string, std::vector<int>>& per_key) {
    for (const auto& [key, ids] : per_key) {
      EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end())) << key;
    }
  }

  std::filesystem::path dir_;
  std::unique_ptr<metadata::SqliteStore> store_;
  bus::LocalBus local_;
};

TEST_F(OutboxRelayTest, RolledBackEventsAreNeverPublished) {
  Status st = store_->transact([](metadata::Transaction& tx) -> Status {
    auto a = append(tx, "events", "k", R"({"id": 1})");
    if (!a.ok()) return a;
    return Error::invalid("rollback");
  });
  ASSERT_FALSE(st.ok());
  commit_events(2, 3);
  OutboxRelay relay(*store_, local_);
  auto published = relay.publish_pending();
  ASSERT_TRUE(published.ok());
  EXPECT_EQ(published.value(), 1);
  EXPECT_EQ(pending(*store_).value(), 0);
}

TEST_F(OutboxRelayTest, PublishesCommittedEventsInOrderPerKey) {
  DedupingConsumer consumer(local_, "events");
  OutboxRelay relay(*store_, local_, RelayOptions{20ms});
  relay.start();
  commit_events(0, 60);
  relay.notify();
  ASSERT_TRUE(consumer.wait_for_unique(60));
  relay.stop();
  EXPECT_EQ(consumer.deliveries(), 60);
  expect_in_order(consumer.per_key());
  EXPECT_EQ(pending(*store_).value(), 0);
}

TEST_F(OutboxRelayTest, BusOutageGrowsTheOutboxThenDrainsInOrderWithNothingLost) {
  SwitchableBus flaky(local_);
  DedupingConsumer consumer(local_, "events");
  flaky.down = true;
  OutboxRelay relay(*store_, flaky, RelayOptions{20ms, 10ms, 50ms});
  relay.start();
  commit_events(0, 30);  // writes succeed while the bus is down
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(pending(*store_).value(), 30);
  EXPECT_EQ(consumer.unique(), 0u);
  flaky.down = false;
  ASSERT_TRUE(consumer.wait_for_unique(30));
  relay.stop();
  EXPECT_EQ(pending(*store_).value(), 0);
  expect_in_order(consumer.per_key());
}

TEST_F(OutboxRelayTest, CrashBetweenPublishAndMarkRepublishesAndDedupedConsumersSeeEachOnce) {
  commit_events(0, 40);
  DedupingConsumer consumer(local_, "events");
  {
    // The first relay publishes 15 events, then its process "dies" before recording them.
    BreakableStore dying(*store_);
    SwitchableBus watching(local_);
    int published = 0;
    watching.after_publish = [&] {
      if (++published == 15) {
        dying.broken = true;
        watching.down = true;
      }
    };
    OutboxRelay first(dying, watching);
    auto r = first.publish_pending();
    EXPECT_FALSE(r.ok());
  }
  EXPECT_EQ(pending(*store_).value(), 40);  // nothing was marked: all still owed
  OutboxRelay second(*store_, local_);
  auto r = second.publish_pending();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), 40);
  ASSERT_TRUE(consumer.wait_for_unique(40));
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(consumer.unique(), 40u);
  EXPECT_EQ(consumer.deliveries(), 55);  // 15 duplicates, each dropped by id
  expect_in_order(consumer.per_key());
  EXPECT_EQ(pending(*store_).value(), 0);
}

}  // namespace
}  // namespace chatdb::outbox
