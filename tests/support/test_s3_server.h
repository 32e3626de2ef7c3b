#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>

namespace chatdb::testing {

/// s3rver (from tools/node, installed by scripts/install-deps.sh) on 127.0.0.1, storing under
/// `directory`; access key and secret are both "S3RVER". stop()/start() keep the port and the
/// data, for outage tests. The process is killed with the test process. Throws
/// std::runtime_error when it cannot start. Not thread-safe.
class TestS3Server {
 public:
  TestS3Server(std::uint16_t port, std::filesystem::path directory);
  ~TestS3Server();
  TestS3Server(const TestS3Server&) = delete;
  TestS3Server& operator=(const TestS3Server&) = delete;

  void start();
  void stop();
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::uint16_t port() const { return port_; }
  const std::filesystem::path& directory() const { return directory_; }

 private:
  std::uint16_t port_;
  std::filesystem::path directory_;
  pid_t pid_ = -1;
};

}  // namespace chatdb::testing
