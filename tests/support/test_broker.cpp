// chatdb-test-broker: a Kafka-protocol broker for tests and scripts/local-cluster.sh, built on
// librdkafka's mock cluster. It listens on 127.0.0.1 only, creates the topics it is given, prints
// its bootstrap address as one line on stdout and runs until SIGTERM or SIGINT, or until its
// stdin closes (so it never outlives a test that holds the other end of a pipe), unless
// --until-signal. SIGUSR1 takes the brokers down (connections dropped and refused, data kept),
// SIGUSR2 brings them back. Everything lives in memory and is gone when the process exits.
//
//   chatdb-test-broker [--partitions N] [--brokers N] [--port P] [--until-signal] [TOPIC...]

#include "bus/mock_kafka_cluster.h"

#include <CLI/CLI.hpp>

#include <arpa/inet.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

namespace {

// librdkafka 2.0 has no option for the mock brokers' ports: each broker binds 127.0.0.1:0. To
// honour --port, this executable defines bind(), which takes precedence over libc's for
// librdkafka (the symbol is exported, see src/bus/CMakeLists.txt) and turns the next
// `g_fixed_left` loopback binds to port 0 into binds to consecutive fixed ports. SO_REUSEADDR
// lets a restarted broker take its port back while old connections sit in TIME_WAIT.
std::atomic<int> g_fixed_port{0};
std::atomic<int> g_fixed_left{0};

}  // namespace

extern "C" int bind(int fd, const struct sockaddr* address, socklen_t length) {
  using BindFunction = int (*)(int, const struct sockaddr*, socklen_t);
  static const auto real_bind = reinterpret_cast<BindFunction>(dlsym(RTLD_NEXT, "bind"));
  if (address != nullptr && address->sa_family == AF_INET && length >= sizeof(sockaddr_in) &&
      g_fixed_left.load() > 0) {
    sockaddr_in in{};
    std::memcpy(&in, address, sizeof in);
    if (in.sin_port == 0 && in.sin_addr.s_addr == htonl(INADDR_LOOPBACK)) {
      --g_fixed_left;
      in.sin_port = htons(static_cast<std::uint16_t>(g_fixed_port++));
      int on = 1;
      setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
      return real_bind(fd, reinterpret_cast<const sockaddr*>(&in), sizeof in);
    }
  }
  return real_bind(fd, address, length);
}

namespace {

// librdkafka 2.0 aborts when a mock broker cannot bind, so a port in use is found out first.
bool port_free(int port) {
  const int probe = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (probe < 0) return false;
  int on = 1;
  setsockopt(probe, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  sockaddr_in in{};
  in.sin_family = AF_INET;
  in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  in.sin_port = htons(static_cast<std::uint16_t>(port));
  const bool bound = bind(probe, reinterpret_cast<const sockaddr*>(&in), sizeof in) == 0;
  close(probe);
  return bound;
}

int serve(int signals, bool watch_stdin, chatdb::bus::MockKafkaCluster& cluster) {
  pollfd fds[2] = {{signals, POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
  const nfds_t count = watch_stdin ? 2 : 1;
  while (true) {
    if (poll(fds, count, -1) < 0) {
      if (errno == EINTR) continue;
      std::perror("chatdb-test-broker: poll");
      return 1;
    }
    if (fds[0].revents & POLLIN) {
      signalfd_siginfo info{};
      if (read(signals, &info, sizeof info) != sizeof info) continue;
      if (info.ssi_signo == SIGUSR1) {
        cluster.set_brokers_down();
        std::fprintf(stderr, "chatdb-test-broker: brokers down\n");
      } else if (info.ssi_signo == SIGUSR2) {
        cluster.set_brokers_up();
        std::fprintf(stderr, "chatdb-test-broker: brokers up\n");
      } else {
        return 0;  // SIGTERM or SIGINT
      }
    }
    if (count == 2 && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) {
      char buffer[256];
      if (read(STDIN_FILENO, buffer, sizeof buffer) <= 0) return 0;  // stdin closed
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"A Kafka-protocol test broker (librdkafka mock cluster) on 127.0.0.1; prints its bootstrap address"};
  int partitions = 3;
  int brokers = 1;
  int port = 0;
  bool until_signal = false;
  std::vector<std::string> topics{"queries", "query_results", "training_jobs", "job_events", "predictions", "model_events"};
  app.add_option("--partitions", partitions, "partitions per topic")->check(CLI::Range(1, 64));
  app.add_option("--brokers", brokers, "number of brokers (replication factor: at most 3)")->check(CLI::Range(1, 9));
  app.add_option("--port", port, "port of the first broker (the others follow); default: any free port")
      ->check(CLI::Range(1, 65535));
  app.add_flag("--until-signal", until_signal, "ignore stdin; run until SIGTERM or SIGINT (for background use)");
  app.add_option("topics", topics, "topics to create")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  // Blocked before librdkafka starts its threads, so that every signal arrives at the signalfd.
  sigset_t set;
  sigemptyset(&set);
  for (int signal : {SIGTERM, SIGINT, SIGUSR1, SIGUSR2}) sigaddset(&set, signal);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  const int signals = signalfd(-1, &set, SFD_CLOEXEC);
  if (signals < 0) {
    std::perror("chatdb-test-broker: signalfd");
    return 1;
  }

  for (int p = port; port != 0 && p < port + brokers; ++p) {
    if (p > 65535 || !port_free(p)) {
      std::fprintf(stderr, "chatdb-test-broker: port %d on 127.0.0.1 is in use; pick another --port\n", p);
      return 1;
    }
  }
  try {
    if (port != 0) {
      g_fixed_port = port;
      g_fixed_left = brokers;
    }
    chatdb::bus::MockKafkaCluster cluster(brokers);
    g_fixed_left = 0;
    if (port != 0 && cluster.bootstrap().rfind("127.0.0.1:" + std::to_string(port), 0) != 0) {
      std::fprintf(stderr, "chatdb-test-broker: could not listen on port %d (got %s)\n", port,
                   cluster.bootstrap().c_str());
      return 1;
    }
    for (const std::string& topic : topics) {
      chatdb::Status status = cluster.create_topic(topic, partitions);
      if (!status.ok()) {
        std::fprintf(stderr, "chatdb-test-broker: %s\n", status.error().message.c_str());
        return 2;
      }
    }
    std::printf("%s\n", cluster.bootstrap().c_str());
    std::fflush(stdout);
    return serve(signals, !until_signal, cluster);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "chatdb-test-broker: %s\n", e.what());
    return 1;
  }
}
