// KafkaBus when the broker goes away and comes back: in-process (mock brokers set down and up)
// and with chatdb-test-broker killed and restarted on the same port.

#include "bus/kafka_bus.h"
#include "bus/mock_kafka_cluster.h"
#include "tests/support/bus_recorder.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace chatdb::bus {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr auto kDeliveryTimeout = 1500ms;

KafkaBus::Options fast_failing(const std::string& bootstrap) {
  return KafkaBus::Options{.bootstrap_servers = bootstrap,
                           .delivery_timeout = kDeliveryTimeout,
                           .check_timeout = 1000ms,
                           .retry_backoff = 50ms};
}

// Publishing fails fast with `unavailable` (retryable), and check() fails.
void expect_down(KafkaBus& bus, const std::string& topic) {
  const auto start = Clock::now();
  Status published = bus.publish(topic, "k", "while down");
  const auto took = Clock::now() - start;
  ASSERT_FALSE(published.ok());
  EXPECT_EQ(published.error().code, ErrorCode::kUnavailable) << published.error().message;
  EXPECT_TRUE(published.error().retryable);
  EXPECT_LT(took, kDeliveryTimeout + 2s);
  Status checked = bus.check();
  ASSERT_FALSE(checked.ok());
  EXPECT_EQ(checked.error().code, ErrorCode::kUnavailable);
}

// For a broker that goes down asynchronously (a signal to another process).
void wait_until_unreachable(KafkaBus& bus) {
  const auto deadline = Clock::now() + 10s;
  while (bus.check().ok() && Clock::now() < deadline) std::this_thread::sleep_for(50ms);
}

// Retries as a caller (the outbox relay) would, until the broker takes the message again.
Status publish_once_back(KafkaBus& bus, const std::string& topic, const std::string& payload) {
  const auto deadline = Clock::now() + 20s;
  Status status = bus.publish(topic, "k", payload);
  while (!status.ok() && status.error().retryable && Clock::now() < deadline) {
    status = bus.publish(topic, "k", payload);
  }
  return status;
}

TEST(KafkaBusFailureTest, PublishFailsFastWhileBrokersAreDownAndWorksWhenTheyReturn) {
  MockKafkaCluster cluster;
  ASSERT_TRUE(cluster.create_topic("events", 1).ok());
  KafkaBus bus(fast_failing(cluster.bootstrap()));
  ASSERT_TRUE(bus.publish("events", "k", "before").ok());
  ASSERT_TRUE(bus.check().ok());

  cluster.set_brokers_down();
  expect_down(bus, "events");

  cluster.set_brokers_up();
  Status after = publish_once_back(bus, "events", "after");
  ASSERT_TRUE(after.ok()) << after.error().message;
  EXPECT_TRUE(bus.check().ok());

  // What was acknowledged before and after the outage is there, in order.
  Recorder seen;
  auto subscription = bus.subscribe("events", "readers", [&](const Message& m) {
    seen.add(m);
    return Status::success();
  });
  ASSERT_TRUE(seen.wait_until([](const std::vector<Message>& ms) {
    return !ms.empty() && ms.back().payload == "after";
  }));
  std::vector<Message> messages = seen.messages();
  EXPECT_EQ(messages.front().payload, "before");
}

/// chatdb-test-broker as a child process, its stdin and stdout on pipes.
class BrokerProcess {
 public:
  explicit BrokerProcess(const std::vector<std::string>& args) {
    int in[2];
    int out[2];
    EXPECT_EQ(pipe2(in, O_CLOEXEC), 0);
    EXPECT_EQ(pipe2(out, O_CLOEXEC), 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    std::vector<std::string> argv_strings{CHATDB_TEST_BROKER};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& s : argv_strings) argv.push_back(s.data());
    argv.push_back(nullptr);
    EXPECT_EQ(posix_spawn(&pid_, CHATDB_TEST_BROKER, &actions, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&actions);
    close(in[0]);
    close(out[1]);
    stdin_ = in[1];
    stdout_ = out[0];
    bootstrap_ = read_line(10s);
  }

  ~BrokerProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (stdin_ >= 0) close(stdin_);
    close(stdout_);
  }

  const std::string& bootstrap() const { return bootstrap_; }
  void signal(int number) { kill(pid_, number); }
  void close_stdin() {
    close(stdin_);
    stdin_ = -1;
  }

  /// The exit status once the process has exited, or -1 if it does not within `timeout`.
  int wait_exit(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(10ms);
    }
    return -1;
  }

 private:
  std::string read_line(std::chrono::milliseconds timeout) {
    std::string line;
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      pollfd fd{stdout_, POLLIN, 0};
      if (poll(&fd, 1, 50) <= 0) continue;
      char c;
      if (read(stdout_, &c, 1) != 1 || c == '\n') break;
      line += c;
    }
    return line;
  }

  pid_t pid_ = -1;
  int stdin_ = -1;
  int stdout_ = -1;
  std::string bootstrap_;
};

TEST(TestBrokerTest, KeepsItsAddressAcrossARestartAndObeysSignalsAndStdin) {
  std::string bootstrap;
  {
    BrokerProcess first({"--partitions", "2", "events"});
    bootstrap = first.bootstrap();
    ASSERT_EQ(bootstrap.rfind("127.0.0.1:", 0), 0u) << bootstrap;
    KafkaBus bus(fast_failing(bootstrap));
    ASSERT_TRUE(bus.publish("events", "k", "one").ok());
    first.signal(SIGTERM);
    EXPECT_EQ(first.wait_exit(5s), 0);
  }

  KafkaBus bus(fast_failing(bootstrap));
  expect_down(bus, "events");

  const std::string port = bootstrap.substr(bootstrap.find(':') + 1);
  BrokerProcess second({"--port", port, "events"});
  ASSERT_EQ(second.bootstrap(), bootstrap);
  Status back = publish_once_back(bus, "events", "two");
  EXPECT_TRUE(back.ok()) << back.error().message;

  second.signal(SIGUSR1);  // brokers down, process alive
  wait_until_unreachable(bus);
  expect_down(bus, "events");
  second.signal(SIGUSR2);
  back = publish_once_back(bus, "events", "three");
  EXPECT_TRUE(back.ok()) << back.error().message;

  second.close_stdin();
  EXPECT_EQ(second.wait_exit(5s), 0);
}

}  // namespace
}  // namespace chatdb::bus
