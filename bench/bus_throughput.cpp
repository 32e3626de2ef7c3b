// Message bus throughput: publish (each call waits until the message is durable) and
// publish+consume (time until one consumer group has handled every message), with 200-byte
// payloads over 16 keys, on LocalBus and on KafkaBus against librdkafka's mock broker on
// 127.0.0.1. Prints a Markdown table for bench/README.md.
//
//   bench_bus_throughput [LOCAL_MESSAGES [KAFKA_MESSAGES]]

#include "bus/kafka_bus.h"
#include "bus/local_bus.h"
#include "bus/mock_kafka_cluster.h"

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using chatdb::Status;
using chatdb::bus::MessageBus;
using Clock = std::chrono::steady_clock;

const std::string kPayload(200, 'x');
// Publishers at once: Kafka batches what is queued while a request is in flight, so
// concurrency is what makes its batches (and its consumers' fetches) larger.
constexpr int kThreads = 16;

// Publishes `count` messages from `threads` threads; returns messages per second.
double publish_rate(MessageBus& bus, const std::string& topic, int count, int threads) {
  const auto start = Clock::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (int i = t; i < count; i += threads) {
        Status status = bus.publish(topic, "key-" + std::to_string(i % 16), kPayload);
        if (!status.ok()) throw std::runtime_error(status.error().message);
      }
    });
  }
  for (auto& w : workers) w.join();
  return count / std::chrono::duration<double>(Clock::now() - start).count();
}

// Subscribes and waits until a first message has come through (so that joining the group is
// not measured), then publishes `count` messages from `threads` threads and waits until the
// group has handled them all; returns messages per second from the first publish to the last
// message handled.
double round_trip_rate(MessageBus& bus, const std::string& topic, int count, int threads) {
  std::mutex mutex;
  std::condition_variable progress;
  int handled = 0;
  auto subscription = bus.subscribe(topic, "bench", [&](const chatdb::bus::Message&) {
    std::lock_guard lock(mutex);
    ++handled;
    progress.notify_one();
    return Status::success();
  });
  auto wait_for_handled = [&](int target) {
    std::unique_lock lock(mutex);
    if (!progress.wait_for(lock, std::chrono::minutes(2), [&] { return handled >= target; })) {
      throw std::runtime_error("consumer did not catch up within 2 minutes");
    }
  };
  publish_rate(bus, topic, 1, 1);
  wait_for_handled(1);
  const auto start = Clock::now();
  publish_rate(bus, topic, count, threads);
  wait_for_handled(count + 1);
  return count / std::chrono::duration<double>(Clock::now() - start).count();
}

void report(const char* name, int count, const std::function<std::string()>& new_topic, MessageBus& bus) {
  double one = publish_rate(bus, new_topic(), count, 1);
  double many = publish_rate(bus, new_topic(), count, kThreads);
  double round_trip = round_trip_rate(bus, new_topic(), count, kThreads);
  std::printf("| %s | %d | %.0f | %.0f | %.0f |\n", name, count, one, many, round_trip);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  const int local_messages = argc > 1 ? std::stoi(argv[1]) : 200000;
  const int kafka_messages = argc > 2 ? std::stoi(argv[2]) : 20000;
  std::printf("| bus | messages | publish, 1 thread (msg/s) | publish, %d threads (msg/s) | "
              "publish, %d threads, until consumed by 1 group (msg/s) |\n|---|---|---|---|---|\n",
              kThreads, kThreads);

  int topics = 0;
  {
    chatdb::bus::LocalBus bus;
    report("LocalBus (in-process)", local_messages, [&] { return "bench-" + std::to_string(++topics); }, bus);
  }
  {
    chatdb::bus::MockKafkaCluster cluster;
    chatdb::bus::KafkaBus bus(chatdb::bus::KafkaBus::Options{.bootstrap_servers = cluster.bootstrap()});
    report("KafkaBus (mock broker, loopback)", kafka_messages, [&] {
      std::string topic = "bench-" + std::to_string(++topics);
      Status created = cluster.create_topic(topic, 3);
      if (!created.ok()) throw std::runtime_error(created.error().message);
      return topic;
    }, bus);
  }
}
