#include "tests/support/test_postgres.h"

#include "tests/support/ports.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace chatdb::testing {
namespace {

std::string find_bin() {
  for (const auto& version : {"17", "16", "15"}) {
    std::string dir = std::string("/usr/lib/postgresql/") + version + "/bin";
    if (std::filesystem::exists(dir + "/initdb")) return dir;
  }
  throw std::runtime_error("PostgreSQL server binaries not found under /usr/lib/postgresql (run scripts/install-deps.sh)");
}

}  // namespace

TestPostgres::TestPostgres(bool durable) : bin_(find_bin()), port_(free_port()), durable_(durable) {
  char tmpl[] = "/tmp/chatdb-pg-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  if (::geteuid() == 0 && std::system(("chown postgres:postgres " + dir_).c_str()) != 0) {
    throw std::runtime_error("cannot hand " + dir_ + " to user postgres");
  }
  run(bin_ + "/initdb -D " + dir_ + "/data -U postgres -A trust --no-sync >/dev/null");
  start();
}

TestPostgres::~TestPostgres() {
  try {
    stop();
  } catch (...) {
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void TestPostgres::run(const std::string& command) const {
  std::string full = ::geteuid() == 0 ? "runuser -u postgres -- sh -c '" + command + "'" : command;
  if (std::system(full.c_str()) != 0) throw std::runtime_error("command failed: " + full);
}

std::string TestPostgres::url(const std::string& database) const {
  return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

std::string TestPostgres::create_database(const std::string& name) {
  run(bin_ + "/createdb -h 127.0.0.1 -p " + std::to_string(port_) + " -U postgres " + name);
  return url(name);
}

std::string TestPostgres::create_fresh_database() {
  static std::atomic<int> counter{0};
  return create_database("test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
}

TestPostgres& TestPostgres::shared() {
  static TestPostgres server;
  return server;
}

void TestPostgres::start() {
  if (running_) return;
  run(bin_ + "/pg_ctl -D " + dir_ + "/data -l " + dir_ + "/log -w -o \"-p " + std::to_string(port_) + " -k " + dir_ +
      " -c listen_addresses=127.0.0.1 -c max_connections=200" + (durable_ ? "" : " -c fsync=off") +
      "\" start >/dev/null");
  running_ = true;
}

void TestPostgres::stop() {
  if (!running_) return;
  run(bin_ + "/pg_ctl -D " + dir_ + "/data -m fast -w stop >/dev/null");
  running_ = false;
}

}  // namespace chatdb::testing
