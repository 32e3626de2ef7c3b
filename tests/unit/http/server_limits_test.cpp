// The HTTP server's limits and protocol behaviour, tested over real sockets on 127.0.0.1.

#include "http/client.h"
#include "http/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

namespace chatdb::http {
namespace {

using namespace std::chrono_literals;

// A raw TCP connection, for sending what no well-behaved client would.
class RawSocket {
 public:
  explicit RawSocket(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawSocket() { ::close(fd_); }
  bool connected() const { return connected_; }
  void send(const std::string& data) { ASSERT_EQ(::send(fd_, data.data(), data.size(), MSG_NOSIGNAL), static_cast<ssize_t>(data.size())); }
  // Reads until the peer closes or `wait` passes without data; `closed` says which.
  std::string read_all(std::chrono::milliseconds wait, bool* closed = nullptr) {
    std::string out;
    char buf[4096];
    while (true) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(wait.count())) <= 0) {
        if (closed) *closed = false;
        return out;
      }
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        if (closed) *closed = true;
        return out;
      }
      out.append(buf, static_cast<std::size_t>(n));
    }
  }

 private:
  int fd_;
  bool connected_ = false;
};

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions o;
    o.threads = 2;
    o.idle_timeout = 400ms;
    o.read_timeout = 400ms;
    o.drain_timeout = 3000ms;
    server_ = std::make_unique<Server>(o);
    auto router = std::make_shared<Router>(std::initializer_list<std::string>{"", "/api/v1"});
    router->add("GET", "/health", [](const Request&) { return Response::json({{"status", "ok"}}); });
    router->add("POST", "/echo", [](const Request& r) { return Response::text(r.body, "text/plain"); });
    router->add("POST", "/small", [](const Request& r) { return Response::text(r.body, "text/plain"); }, RouteOptions{16});
    router->add("GET", "/items/{id}", [](const Request& r) { return Response::json({{"id", r.params.at("id")}}); });
    router->add("GET", "/boom", [](const Request&) -> Response { throw std::runtime_error("secret internals"); });
    router->add("GET", "/slow", [this](const Request&) {
      slow_started_ = true;
      std::this_thread::sleep_for(600ms);
      return Response::json({{"slow", true}});
    });
    port_ = server_->listen("test", "127.0.0.1", 0, router, [this](const Exchange& x) {
      std::lock_guard lock(route_mutex_);
      last_route_ = x.route;
      ++exchanges_;
    });
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
  std::atomic<bool> slow_started_{false};
  std::atomic<int> exchanges_{0};
  std::mutex route_mutex_;
  std::string last_route_;  // guarded by route_mutex_
  Client client_;
};

TEST_F(ServerTest, ServesJsonWithRequestIdEchoedOrGenerated) {
  auto r = client_.request("GET", url("/health"), "", {{"X-Request-Id", "abc-123"}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("x-request-id"), "abc-123");
  EXPECT_EQ(r->header("content-type"), "application/json");
  auto generated = client_.get(url("/health"));
  EXPECT_EQ(generated->header("x-request-id").size(), 32u);
  auto bad_id = client_.request("GET", url("/health"), "", {{"X-Request-Id", "has spaces\tand tabs"}});
  EXPECT_EQ(bad_id->header("x-request-id").size(), 32u);
}

TEST_F(ServerTest, PathParametersAndVersionedPrefix) {
  auto r = client_.get(url("/api/v1/items/x%20y"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(nlohmann::json::parse(r->body)["id"], "x y");
}

TEST_F(ServerTest, WrongMethodGets405WithAllow) {
  auto r = client_.request("POST", url("/health"), "{}");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->header("allow"), "GET");
  EXPECT_EQ(r->header("content-type"), "application/problem+json");
}

TEST_F(ServerTest, UnknownPathGets404Problem) {
  auto r = client_.get(url("/nowhere"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(nlohmann::json::parse(r->body)["status"], 404);
}

TEST_F(ServerTest, BodyOverDefaultLimitGets413) {
  auto r = client_.request("POST", url("/echo"), std::string(2 * 1024 * 1024, 'x'));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 413);
  auto ok = client_.request("POST", url("/echo"), std::string(1000, 'y'));
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(ok->body.size(), 1000u);
}

TEST_F(ServerTest, PerRouteBodyLimit) {
  EXPECT_EQ(client_.request("POST", url("/small"), std::string(17, 'x'))->status, 413);
  EXPECT_EQ(client_.request("POST", url("/small"), std::string(16, 'x'))->status, 200);
}

TEST_F(ServerTest, ChunkedBodyOverLimitGets413) {
  RawSocket s(port_);
  s.send("POST /small HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n20\r\n" + std::string(32, 'a') + "\r\n0\r\n\r\n");
  std::string reply = s.read_all(1000ms);
  EXPECT_EQ(reply.rfind("HTTP/1.1 413", 0), 0u) << reply;
}

TEST_F(ServerTest, OversizedHeadersGet431) {
  RawSocket s(port_);
  s.send("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(9000, 'a') + "\r\n\r\n");
  std::string reply = s.read_all(1000ms);
  EXPECT_EQ(reply.rfind("HTTP/1.1 431", 0), 0u) << reply.substr(0, 100);
}

TEST_F(ServerTest, RandomBytesGet400AndServerKeepsServing) {
  {
    RawSocket s(port_);
    std::string junk;
    for (int i = 0; i < 300; ++i) junk.push_back(static_cast<char>((i * 7919 + 13) % 256));
    s.send(junk + "\r\n\r\n");
    bool closed = false;
    std::string reply = s.read_all(1000ms, &closed);
    EXPECT_EQ(reply.rfind("HTTP/1.1 400", 0), 0u) << reply.substr(0, 100);
    EXPECT_TRUE(closed);
  }
  EXPECT_EQ(client_.get(url("/health"))->status, 200);
}

TEST_F(ServerTest, StalledHalfRequestIsCutOffByTimeout) {
  RawSocket s(port_);
  s.send("GET /health HTTP/1.1\r\nHost: x\r\n");  // never finishes the headers
  auto start = std::chrono::steady_clock::now();
  bool closed = false;
  s.read_all(3000ms, &closed);
  EXPECT_TRUE(closed);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2000ms);
  EXPECT_EQ(client_.get(url("/health"))->status, 200);
}

TEST_F(ServerTest, StalledBodyIsCutOffByReadTimeout) {
  RawSocket s(port_);
  s.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly-part");
  bool closed = false;
  s.read_all(3000ms, &closed);
  EXPECT_TRUE(closed);
}

TEST_F(ServerTest, PipelinedRequestsAreAnsweredInOrder) {
  RawSocket s(port_);
  s.send("GET /items/1 HTTP/1.1\r\nHost: x\r\n\r\nGET /items/2 HTTP/1.1\r\nHost: x\r\n\r\n"
         "GET /items/3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  std::string reply = s.read_all(2000ms);
  auto p1 = reply.find("{\"id\":\"1\"}"), p2 = reply.find("{\"id\":\"2\"}"), p3 = reply.find("{\"id\":\"3\"}");
  ASSERT_NE(p1, std::string::npos) << reply;
  ASSERT_NE(p2, std::string::npos);
  ASSERT_NE(p3, std::string::npos);
  EXPECT_LT(p1, p2);
  EXPECT_LT(p2, p3);
}

TEST_F(ServerTest, HandlerExceptionBecomes500WithoutLeakingInternals) {
  auto r = client_.get(url("/boom"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(r->body.find("secret internals"), std::string::npos);
  EXPECT_NE(r->body.find(r->header("x-request-id")), std::string::npos);
}

TEST_F(ServerTest, ObserverSeesRoutePattern) {
  ASSERT_TRUE(client_.get(url("/items/42")).ok());
  // The observer runs once the answer is written, so the client may see it first.
  for (int i = 0; i < 200 && exchanges_ == 0; ++i) std::this_thread::sleep_for(10ms);
  std::lock_guard lock(route_mutex_);
  EXPECT_EQ(last_route_, "/items/{id}");
}

TEST_F(ServerTest, ExpectContinueGetsBodyRead) {
  RawSocket s(port_);
  s.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
  std::string interim = s.read_all(300ms);
  EXPECT_EQ(interim.rfind("HTTP/1.1 100", 0), 0u) << interim;
  s.send("hello");
  std::string reply = s.read_all(500ms);
  EXPECT_NE(reply.find("200 OK"), std::string::npos);
  EXPECT_NE(reply.find("hello"), std::string::npos);
}

TEST_F(ServerTest, StopDrainsInFlightRequestsAndRefusesNewConnections) {
  Result<ClientResponse> slow = Error::internal("not run");
  std::thread caller([&] { slow = client_.get(url("/slow")); });
  while (!slow_started_) std::this_thread::sleep_for(5ms);
  server_->stop();
  std::this_thread::sleep_for(100ms);
  RawSocket late(port_);
  EXPECT_FALSE(late.connected());
  caller.join();
  ASSERT_TRUE(slow.ok()) << slow.error().message;
  EXPECT_EQ(slow->status, 200);
  EXPECT_EQ(slow->header("connection"), "close");
}

TEST(ClientTest, ConnectionRefusedIsUnavailable) {
  Client c(ClientOptions{200ms, 500ms});
  auto r = c.get("http://127.0.0.1:1/health");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_FALSE(c.get("https://example.invalid/").ok());
}

}  // namespace
}  // namespace chatdb::http

namespace chatdb::http {
namespace {

// In `chatdb up` one service's handler may call another service of the same server: each port
// has its own handler threads, so the call is answered even when the caller's pool is full.
TEST(ServerPoolsTest, AHandlerMayWaitOnAnotherPortOfTheSameServer) {
  ServerOptions o;
  o.threads = 1;
  o.handler_threads = 1;
  Server server(o);
  auto inner = std::make_shared<Router>();
  inner->add("GET", "/value", [](const Request&) { return Response::json({{"value", 42}}); });
  auto inner_port = server.listen("inner", "127.0.0.1", 0, inner, nullptr);
  Client client(ClientOptions{std::chrono::milliseconds(500), std::chrono::milliseconds(2000)});
  auto outer = std::make_shared<Router>();
  outer->add("GET", "/relay", [&](const Request&) {
    auto r = client.get("http://127.0.0.1:" + std::to_string(inner_port) + "/value");
    return r.ok() ? Response::text(r->body, "application/json") : Response::text(r.error().message, "text/plain", 502);
  });
  auto outer_port = server.listen("outer", "127.0.0.1", 0, outer, nullptr);
  std::thread t([&] { server.run(); });
  Client caller;
  auto r = caller.get("http://127.0.0.1:" + std::to_string(outer_port) + "/relay");
  server.stop();
  t.join();
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(nlohmann::json::parse(r->body)["value"], 42);
}

}  // namespace
}  // namespace chatdb::http
