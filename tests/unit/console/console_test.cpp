// The console over real sockets on 127.0.0.1: its embedded files, and the API forwarded to a
// stand-in service (what arrives there, what comes back, a service that is not there).
#include "console/assets.h"
#include "console/console.h"
#include "http/client.h"
#include "http/server.h"

#include <gtest/gtest.h>

#include <mutex>
#include <thread>

namespace chatdb::console {
namespace {

TEST(AssetsTest, TheFrontEndIsEmbeddedWithItsTypes) {
  std::vector<std::string> paths;
  for (const auto& a : embedded_assets()) paths.emplace_back(a.path);
  for (const char* needed : {"index.html", "app.css", "js/main.js", "js/chat.js", "js/schema.js", "js/jobs.js", "js/models.js"}) {
    EXPECT_NE(std::find(paths.begin(), paths.end(), needed), paths.end()) << needed;
  }
  EXPECT_TRUE(std::is_sorted(paths.begin(), paths.end()));
  auto index = std::find_if(embedded_assets().begin(), embedded_assets().end(), [](const Asset& a) { return a.path == "index.html"; });
  EXPECT_NE(index->body.find("<nav"), std::string_view::npos);
  EXPECT_EQ(content_type_of("js/chat.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(content_type_of("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(content_type_of("favicon.svg"), "image/svg+xml");
  EXPECT_EQ(content_type_of("README"), "application/octet-stream");
}

// A stand-in for a service: records each request and answers 201 with a header and a body.
class ConsoleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    http::ServerOptions o;
    o.threads = 1;
    server_ = std::make_unique<http::Server>(o);
    auto upstream = std::make_shared<http::Router>();
    upstream->add("POST", "/api/v1/jobs/{id}/cancel", [this](const http::Request& r) {
      std::lock_guard lock(mutex_);
      seen_ = r;
      http::Response out = http::Response::text("{\"ok\":true}", "application/problem+json", 409);
      out.headers.emplace_back("Retry-After", "7");
      out.headers.emplace_back("X-Internal", "not passed on");
      return out;
    });
    std::uint16_t upstream_port = server_->listen("upstream", "127.0.0.1", 0, upstream, nullptr);
    std::vector<ApiRoute> routes = {{"/api/v1/jobs", "training-orchestrator", "http://127.0.0.1:" + std::to_string(upstream_port)},
                                    {"/api/v1/models", "model-registry", "http://127.0.0.1:1"}};
    console_ = std::make_shared<Console>(routes, std::make_shared<http::Client>());
    auto router = std::make_shared<http::Router>(std::initializer_list<std::string>{""});
    console_->mount(*router);
    port_ = server_->listen("console", "127.0.0.1", 0, router, nullptr);
    thread_ = std::thread([this] { server_->run(); });
  }

  void TearDown() override {
    server_->stop();
    thread_.join();
  }

  std::string url(const std::string& path) { return "http://127.0.0.1:" + std::to_string(port_) + path; }

  std::shared_ptr<Console> console_;  // its routes must outlive the server, as in ServiceHost
  std::unique_ptr<http::Server> server_;
  std::thread thread_;
  std::uint16_t port_ = 0;
  std::mutex mutex_;
  http::Request seen_;
};

TEST_F(ConsoleTest, ServesThePageAtTheRootWithAStrictPolicy) {
  http::Client client;
  auto page = client.get(url("/"));
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->header("content-type"), "text/html; charset=utf-8");
  EXPECT_NE(page->header("content-security-policy").find("script-src 'self'"), std::string::npos);
  EXPECT_EQ(page->body, client.get(url("/index.html"))->body);
  EXPECT_EQ(client.get(url("/js/main.js"))->header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(client.get(url("/js/absent.js"))->status, 404);
}

TEST_F(ConsoleTest, ForwardsTheRequestAsItCameAndTheAnswerAsItWent) {
  http::Client client;
  auto r = client.request("POST", url("/api/v1/jobs/a%2Fb/cancel?reason=x%20y"), "{\"why\":1}",
                          {{"Authorization", "Bearer caller-token"}, {"Content-Type", "application/json"},
                           {"Idempotency-Key", "k1"}, {"Cookie", "secret=1"}, {"X-Request-Id", "rid-1"}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 409);
  EXPECT_EQ(r->header("content-type"), "application/problem+json");
  EXPECT_EQ(r->header("retry-after"), "7");
  EXPECT_EQ(r->header("x-internal"), "");
  EXPECT_EQ(r->body, "{\"ok\":true}");
  std::lock_guard lock(mutex_);
  EXPECT_EQ(seen_.target, "/api/v1/jobs/a%2Fb/cancel?reason=x%20y");
  EXPECT_EQ(seen_.params.at("id"), "a/b");
  EXPECT_EQ(seen_.body, "{\"why\":1}");
  EXPECT_EQ(seen_.header("authorization"), "Bearer caller-token");
  EXPECT_EQ(seen_.header("idempotency-key"), "k1");
  EXPECT_EQ(seen_.header("x-request-id"), "rid-1");
  EXPECT_EQ(seen_.header("cookie"), "");  // only the headers that mean something to the API
}

TEST_F(ConsoleTest, AServiceThatCannotBeReachedIs503NamingIt) {
  http::Client client;
  auto r = client.get(url("/api/v1/models/churn"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->header("content-type"), "application/problem+json");
  EXPECT_NE(r->body.find("model-registry is not reachable"), std::string::npos);
  EXPECT_EQ(r->body.find("127.0.0.1"), std::string::npos);
}

TEST_F(ConsoleTest, OnlyTheApiPrefixesAreForwarded) {
  http::Client client;
  EXPECT_EQ(client.get(url("/jobs"))->status, 404);
  EXPECT_EQ(client.get(url("/api/v1/jobsx"))->status, 404);
  EXPECT_EQ(client.request("OPTIONS", url("/api/v1/jobs"))->status, 405);
}

}  // namespace
}  // namespace chatdb::console
