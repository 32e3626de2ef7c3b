#include "bus/local_bus.h"

#include "common/logger.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

namespace chatdb::bus {
namespace {

using Clock = std::chrono::steady_clock;

// FNV-1a: the same key lands on the same partition in every run, which makes logs comparable.
std::uint32_t key_hash(const std::string& key) {
  std::uint32_t h = 2166136261u;
  for (unsigned char c : key) {
    h ^= c;
    h *= 16777619u;
  }
  return h;
}

struct Record {
  std::string key;
  std::string payload;
  Headers headers;
};

struct PartitionLog {
  std::int64_t start = 0;  // offset of records.front()
  std::deque<Record> records;
  std::int64_t end() const { return start + static_cast<std::int64_t>(records.size()); }
};

// Where one group stands on one partition.
struct Cursor {
  std::int64_t committed = 0;       // the next offset the group has to see
  bool in_flight = false;           // a member's handler holds the message at `committed`
  Clock::time_point retry_at{};     // after a handler error: no delivery before this
};

}  // namespace

struct LocalBus::State {
  struct Member;

  struct Group {
    std::vector<Cursor> cursors;    // one per partition, sized when the group is made
    std::vector<Member*> members;   // in joining order
  };

  struct Member {
    Group* group = nullptr;
    std::vector<int> partitions;    // assigned by rebalance()
    std::size_t next = 0;           // round-robin start among `partitions`
    bool stopping = false;
  };

  class Consumer;

  explicit State(Options o) : options(o) {}

  // Caller holds `mutex`. Topics are never removed, so references stay valid.
  std::vector<PartitionLog>& topic(const std::string& name) {
    auto it = topics.find(name);
    if (it == topics.end()) {
      it = topics.emplace(name, std::vector<PartitionLog>(static_cast<std::size_t>(options.partitions))).first;
    }
    return it->second;
  }

  // Caller holds `mutex`. Partition p goes to member p mod n, like Kafka's round-robin assignor.
  static void rebalance(Group& group) {
    for (Member* m : group.members) {
      m->partitions.clear();
      m->next = 0;
    }
    if (group.members.empty()) return;
    for (std::size_t p = 0; p < group.cursors.size(); ++p) {
      group.members[p % group.members.size()]->partitions.push_back(static_cast<int>(p));
    }
  }

  const Options options;
  std::mutex mutex;
  std::condition_variable changed;  // a publish, a finished handler of a moved partition, a stop
  std::map<std::string, std::vector<PartitionLog>> topics;
  std::map<std::pair<std::string, std::string>, Group> groups;  // by (topic, group)
};

class LocalBus::State::Consumer final : public Subscription {
 public:
  Consumer(std::shared_ptr<State> state, std::string topic, const std::string& group, Handler handler)
      : state_(std::move(state)), topic_(std::move(topic)), group_(group), handler_(std::move(handler)) {
    {
      std::lock_guard lock(state_->mutex);
      logs_ = &state_->topic(topic_);
      auto [it, made] = state_->groups.try_emplace({topic_, group_});
      if (made) it->second.cursors.resize(logs_->size());
      member_.group = &it->second;
      member_.group->members.push_back(&member_);
      rebalance(*member_.group);
    }
    state_->changed.notify_all();
    thread_ = std::thread([this] { run(); });
  }

  ~Consumer() override {
    {
      std::lock_guard lock(state_->mutex);
      member_.stopping = true;
    }
    state_->changed.notify_all();
    thread_.join();
    {
      std::lock_guard lock(state_->mutex);
      auto& members = member_.group->members;
      members.erase(std::find(members.begin(), members.end(), &member_));
      rebalance(*member_.group);
    }
    state_->changed.notify_all();
  }

 private:
  // The next partition with a message this member may deliver now, or the earliest time one
  // will be ready (a retry), or neither. Caller holds the mutex.
  std::optional<int> pick(Clock::time_point now, std::optional<Clock::time_point>& wake) {
    const std::size_t n = member_.partitions.size();
    for (std::size_t i = 0; i < n; ++i) {
      int p = member_.partitions[(member_.next + i) % n];
      Cursor& cursor = member_.group->cursors[static_cast<std::size_t>(p)];
      const PartitionLog& log = (*logs_)[static_cast<std::size_t>(p)];
      if (cursor.in_flight) continue;
      if (cursor.committed < log.start) {
        Logger::warn("bus: consumer group fell behind retention; older messages skipped",
                     {{"topic", topic_}, {"group", group_}, {"partition", p},
                      {"skipped", log.start - cursor.committed}});
        cursor.committed = log.start;
      }
      if (cursor.committed >= log.end()) continue;
      if (cursor.retry_at > now) {
        if (!wake || cursor.retry_at < *wake) wake = cursor.retry_at;
        continue;
      }
      member_.next = (member_.next + i + 1) % n;
      return p;
    }
    return std::nullopt;
  }

  void run() {
    std::unique_lock lock(state_->mutex);
    while (!member_.stopping) {
      std::optional<Clock::time_point> wake;
      std::optional<int> partition = pick(Clock::now(), wake);
      if (!partition) {
        if (wake) {
          state_->changed.wait_until(lock, *wake);
        } else {
          state_->changed.wait(lock);
        }
        continue;
      }
      const auto p = static_cast<std::size_t>(*partition);
      Cursor& cursor = member_.group->cursors[p];
      const PartitionLog& log = (*logs_)[p];
      const Record& record = log.records[static_cast<std::size_t>(cursor.committed - log.start)];
      Message message{topic_, record.key, record.payload, *partition, cursor.committed, record.headers};
      cursor.in_flight = true;
      lock.unlock();

      Status status = call_handler(handler_, message, group_, "chatdb");
      if (!status.ok()) {
        Logger::warn("bus: handler failed; the message will be delivered again",
                     {{"topic", topic_}, {"group", group_}, {"partition", message.partition},
                      {"offset", message.offset}, {"error", status.error().message}});
      }

      lock.lock();
      cursor.in_flight = false;
      if (status.ok()) {
        cursor.committed = std::max(cursor.committed, message.offset + 1);
      } else {
        cursor.retry_at = Clock::now() + state_->options.retry_backoff;
      }
      // A rebalance may have given this partition to a member that waits for the handler.
      if (std::find(member_.partitions.begin(), member_.partitions.end(), *partition) == member_.partitions.end()) {
        state_->changed.notify_all();
      }
    }
  }


  std::shared_ptr<State> state_;
  std::string topic_;
  std::string group_;
  Handler handler_;
  std::vector<PartitionLog>* logs_ = nullptr;
  Member member_;
  std::thread thread_;
};

LocalBus::LocalBus() : LocalBus(Options{}) {}

LocalBus::LocalBus(Options options) {
  if (options.partitions < 1 || options.retained_per_partition < 1 || options.retry_backoff.count() < 0) {
    throw std::invalid_argument("LocalBus: partitions and retained_per_partition must be positive");
  }
  state_ = std::make_shared<State>(options);
}

LocalBus::~LocalBus() = default;

Status LocalBus::publish(const std::string& topic, const std::string& key, const std::string& payload) {
  if (topic.empty()) return Error::invalid("bus: publish needs a topic name");
  Publication publication = start_publication(topic, "chatdb");
  {
    std::lock_guard lock(state_->mutex);
    auto& logs = state_->topic(topic);
    PartitionLog& log = logs[key_hash(key) % logs.size()];
    log.records.push_back({key, payload, std::move(publication.headers)});
    if (log.records.size() > state_->options.retained_per_partition) {
      log.records.pop_front();
      ++log.start;
    }
  }
  state_->changed.notify_all();
  return Status::success();
}

std::unique_ptr<Subscription> LocalBus::subscribe(const std::string& topic, const std::string& group, Handler handler) {
  return std::make_unique<State::Consumer>(state_, topic, group, std::move(handler));
}

Status LocalBus::check() { return Status::success(); }

}  // namespace chatdb::bus
