#include "http/circuit_breaker.h"
#include "http/client.h"
#include "http/server.h"

#include <gtest/gtest.h>

#include <thread>

namespace chatdb::http {
namespace {

using namespace std::chrono_literals;

TEST(CircuitBreakerTest, OpensAfterThresholdThenLetsOneTrialThrough) {
  CircuitBreaker b(3, 50ms);
  for (int i = 0; i < 2; ++i) {
    EXPECT_FALSE(b.refuse("h:1"));
    b.record("h:1", false);
  }
  EXPECT_FALSE(b.refuse("h:1"));
  b.record("h:1", false);  // third failure in a row: open
  auto wait = b.refuse("h:1");
  ASSERT_TRUE(wait);
  EXPECT_LE(*wait, 51ms);
  EXPECT_FALSE(b.refuse("other:2"));  // circuits are per host
  std::this_thread::sleep_for(60ms);
  EXPECT_FALSE(b.refuse("h:1"));  // the half-open trial
  EXPECT_TRUE(b.refuse("h:1"));   // only one at a time
  b.record("h:1", true);          // it worked: closed
  EXPECT_FALSE(b.refuse("h:1"));
  EXPECT_FALSE(b.refuse("h:1"));
}

TEST(CircuitBreakerTest, FailedTrialOpensAgainAndSuccessResetsTheCount) {
  CircuitBreaker b(2, 30ms);
  b.record("h", false);
  b.record("h", true);
  b.record("h", false);
  EXPECT_FALSE(b.refuse("h"));  // not two in a row
  b.record("h", false);
  ASSERT_TRUE(b.refuse("h"));
  std::this_thread::sleep_for(40ms);
  EXPECT_FALSE(b.refuse("h"));
  b.record("h", false);
  EXPECT_TRUE(b.refuse("h"));
}

TEST(CircuitBreakerTest, ZeroThresholdNeverOpens) {
  CircuitBreaker b(0, 1000ms);
  for (int i = 0; i < 10; ++i) b.record("h", false);
  EXPECT_FALSE(b.refuse("h"));
}

// A dependency that hangs: the client times out, opens the circuit, then fails fast; when the
// dependency answers again the circuit closes.
TEST(ClientBreakerTest, HangingDependencyFailsFastThenRecovers) {
  std::atomic<bool> hang{true};
  ServerOptions o;
  o.threads = 1;
  Server server(o);
  auto router = std::make_shared<Router>();
  router->add("GET", "/x", [&](const Request&) {
    if (hang) std::this_thread::sleep_for(300ms);
    return Response::json({{"ok", true}});
  });
  auto port = server.listen("dep", "127.0.0.1", 0, router, nullptr);
  std::thread t([&] { server.run(); });
  std::string url = "http://127.0.0.1:" + std::to_string(port) + "/x";

  Client client(ClientOptions{200ms, 100ms, 8, 1 << 20, 2, 400ms});
  for (int i = 0; i < 2; ++i) {
    auto r = client.get(url);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kTimeout);
  }
  auto start = std::chrono::steady_clock::now();
  auto fast = client.get(url);
  ASSERT_FALSE(fast.ok());
  EXPECT_EQ(fast.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(fast.error().message.find("circuit open"), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 20ms);

  hang = false;
  std::this_thread::sleep_for(450ms);
  auto recovered = client.request("GET", url, "", {}, 2000ms);
  ASSERT_TRUE(recovered.ok()) << recovered.error().message;
  EXPECT_EQ(recovered->status, 200);
  server.stop();
  t.join();
}

}  // namespace
}  // namespace chatdb::http
