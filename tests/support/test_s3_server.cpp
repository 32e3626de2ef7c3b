#include "tests/support/test_s3_server.h"

#include "tests/support/ports.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <string_view>
#include <thread>
#include <vector>

extern char** environ;

namespace chatdb::testing {

TestS3Server::TestS3Server(std::uint16_t port, std::filesystem::path directory)
    : port_(port), directory_(std::move(directory)) {
  start();
}

TestS3Server::~TestS3Server() { stop(); }

void TestS3Server::start() {
  const std::string s3rver = std::string(CHATDB_SOURCE_DIR) + "/tools/node/node_modules/.bin/s3rver";
  if (!std::filesystem::exists(s3rver)) throw std::runtime_error(s3rver + " is missing: run scripts/install-deps.sh");
  const std::string port = std::to_string(port_);
  const std::string log = (directory_ / "s3rver.log").string();
  std::vector<std::string> args = {s3rver, "--address", "127.0.0.1", "--port", port,
                                   "--directory", directory_.string(), "--silent"};
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  // s3rver's continuation tokens use DES, which Node 17+ (OpenSSL 3) only has as legacy.
  std::vector<std::string> env = {"NODE_OPTIONS=--openssl-legacy-provider"};
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::string_view(*e).rfind("NODE_OPTIONS=", 0) != 0) env.emplace_back(*e);
  }
  std::vector<char*> envp;
  for (auto& entry : env) envp.push_back(entry.data());
  envp.push_back(nullptr);
  const pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(1);
    int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!port_answers(port_)) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) != 0) throw std::runtime_error("s3rver exited at start; see " + log);
    if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("s3rver did not listen on port " + port);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void TestS3Server::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

}  // namespace chatdb::testing
