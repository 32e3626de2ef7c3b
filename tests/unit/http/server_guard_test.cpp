// The HTTP server's guard (the hook API keys use) and the client's bearer token, over real
// sockets on 127.0.0.1.
#include "http/client.h"
#include "http/problem.h"
#include "http/server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

namespace chatdb::http {
namespace {

class ServerGuardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions o;
    o.threads = 1;
    server_ = std::make_unique<Server>(o);
    auto router = std::make_shared<Router>(std::initializer_list<std::string>{"", "/api/v1"});
    router->add("GET", "/health", [](const Request&) { return Response::json({{"status", "ok"}}); });
    router->add("POST", "/items/{id}", [this](const Request& r) {
      ++handled_;
      return Response::text(r.body, "text/plain");
    });
    // Lets through what carries "Bearer good", and /health; remembers what it saw.
    Guard guard = [this](std::string_view method, std::string_view route, std::string_view authorization) -> std::optional<Response> {
      std::lock_guard lock(mutex_);
      seen_.push_back(std::string(method) + " " + std::string(route) + " " + std::string(authorization));
      if (route == "/health" || authorization == "Bearer good") return std::nullopt;
      return problem(401, "no");
    };
    port_ = server_->listen("test", "127.0.0.1", 0, router, nullptr, guard);
    thread_ = std::thread([this] { server_->run(); });
  }

  void TearDown() override {
    server_->stop();
    thread_.join();
  }

  std::string url(const std::string& path) { return "http://127.0.0.1:" + std::to_string(port_) + path; }

  std::unique_ptr<Server> server_;
  std::thread thread_;
  std::uint16_t port_ = 0;
  std::atomic<int> handled_{0};
  std::mutex mutex_;
  std::vector<std::string> seen_;
};

TEST_F(ServerGuardTest, SeesMethodRoutePatternAndAuthorizationBeforeTheHandler) {
  Client anonymous;
  auto refused = anonymous.request("POST", url("/api/v1/items/7"), std::string(100000, 'x'));
  ASSERT_TRUE(refused.ok()) << refused.error().message;
  EXPECT_EQ(refused->status, 401);
  EXPECT_EQ(handled_.load(), 0);
  EXPECT_EQ(anonymous.get(url("/health"))->status, 200);

  ClientOptions options;
  options.bearer_token = "good";
  Client authorized(options);
  auto allowed = authorized.request("POST", url("/items/7"), "body");
  ASSERT_TRUE(allowed.ok());
  EXPECT_EQ(allowed->status, 200);
  EXPECT_EQ(allowed->body, "body");
  EXPECT_EQ(handled_.load(), 1);

  std::lock_guard lock(mutex_);
  ASSERT_EQ(seen_.size(), 3u);
  EXPECT_EQ(seen_[0], "POST /items/{id} ");
  EXPECT_EQ(seen_[1], "GET /health ");
  EXPECT_EQ(seen_[2], "POST /items/{id} Bearer good");
}

TEST_F(ServerGuardTest, UnmatchedPathsPassTheGuardWithAnEmptyRoute) {
  Client anonymous;
  EXPECT_EQ(anonymous.get(url("/nope"))->status, 401);
  std::lock_guard lock(mutex_);
  ASSERT_EQ(seen_.size(), 1u);
  EXPECT_EQ(seen_[0], "GET  ");
}

}  // namespace
}  // namespace chatdb::http
