#include "http/server.h"

#include "common/ids.h"
#include "common/logger.h"
#include "http/handler_pool.h"
#include "http/problem.h"
#include "tracing/span.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include <malloc.h>

#include <atomic>
#include <limits>
#include <optional>
#include <thread>
#include <vector>

namespace chatdb::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kLingerBytes = 8 * 1024 * 1024;  // unread body we swallow before closing
constexpr std::size_t kTrimAfterBytes = 4 * 1024 * 1024;  // bodies this large return memory after
const std::string kUnmatched = "unmatched";

std::string_view view(beast::string_view s) { return {s.data(), s.size()}; }

// The `type` of a problem+json body, for the span of a failed exchange.
std::string problem_type(const Response& r) {
  if (r.content_type != "application/problem+json") return std::to_string(r.status);
  auto body = nlohmann::json::parse(r.body, nullptr, false);
  return body.is_object() && body.contains("type") && body["type"].is_string() ? body["type"].get<std::string>()
                                                                                : std::to_string(r.status);
}

bool valid_request_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == ':')) return false;
  }
  return true;
}

// One io_context per thread: a connection lives on one thread for its whole life, so it needs
// no strand and threads never wake each other to hand over its events. Context 0 also runs
// the acceptors, signals and the drain timer.
struct Shared {
  ServerOptions options;
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  // One pool per listener, so that a service whose handlers wait on another service of the
  // same process (chatdb up) cannot take the threads that service needs. After the contexts:
  // their workers post to them.
  std::vector<std::unique_ptr<HandlerPool>> handler_pools;
  std::atomic<std::size_t> next_context{0};
  std::atomic<int> in_flight{0};
  std::atomic<bool> draining{false};

  asio::io_context& main() { return *contexts.front(); }
  asio::io_context& pick() { return *contexts[next_context.fetch_add(1) % contexts.size()]; }
};

struct ListenerContext {
  std::string service;
  std::shared_ptr<const Router> router;
  ExchangeObserver observer;
  Guard guard;
  HandlerPool* handlers;  // owned by Shared, which outlives every session
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Shared& shared, std::shared_ptr<const ListenerContext> ctx)
      : stream_(std::move(socket)), shared_(shared), ctx_holder_(std::move(ctx)), ctx_(*ctx_holder_) {
    boost::system::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string() + ":" + std::to_string(ep.port());
  }

  void start() {
    asio::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::read_header, shared_from_this()));
  }

 private:
  void read_header() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(shared_.options.header_limit));
    // The route's limit is known only after the headers; until then the parser must not judge.
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    stream_.expires_after(shared_.options.idle_timeout);
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             beast::bind_front_handler(&Session::on_header, shared_from_this()));
  }

  void on_header(beast::error_code ec, std::size_t) {
    if (ec == bhttp::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
        ec == asio::error::operation_aborted) {
      return close();
    }
    if (ec == beast::error::timeout) {
      // An idle keep-alive connection just closes; a request cut off half-way is an exchange.
      if (buffer_.size() == 0 && !parser_->got_some()) return close();
      begin_exchange(nullptr);
      return abandon(408);
    }
    std::optional<tracing::SpanContext> caller;
    if (!ec) caller = tracing::extract(view(parser_->get()["traceparent"]), view(parser_->get()["tracestate"]));
    begin_exchange(caller ? &*caller : nullptr);
    if (ec == bhttp::error::header_limit) {
      return respond(problem(431, "request headers exceed " + std::to_string(shared_.options.header_limit) + " bytes"), true);
    }
    if (ec) return respond(problem(400, "malformed HTTP request: " + ec.message()), true);

    auto& req = parser_->get();
    method_ = std::string(req.method_string());
    target_ = std::string(req.target());
    auto id = req["X-Request-Id"];
    request_id_ = valid_request_id(std::string_view(id.data(), id.size())) ? std::string(id) : new_id();

    auto split = split_target(target_);
    if (!split.ok()) return respond(problem(split.error()), true);
    path_ = split->first;
    query_ = std::move(split->second);
    match_ = ctx_.router->match(method_, path_);
    if (ctx_.guard) {
      auto authorization = req[bhttp::field::authorization];
      std::string_view route = match_.route ? std::string_view(match_.route->pattern) : std::string_view();
      if (auto refusal = ctx_.guard(method_, route, std::string_view(authorization.data(), authorization.size()))) {
        return respond(std::move(*refusal), !parser_->is_done() || !req.keep_alive());
      }
    }

    limit_ = shared_.options.body_limit;
    if (match_.route && match_.route->options.max_body_bytes) limit_ = match_.route->options.max_body_bytes;
    auto declared = parser_->content_length();
    if (declared && *declared > limit_) {
      return respond(problem(413, "request body of " + std::to_string(*declared) + " bytes exceeds the limit of " +
                                      std::to_string(limit_) + " bytes"),
                     true);
    }
    parser_->body_limit(limit_);
    if (match_.route && match_.route->options.before_body) {
      ctx_.handlers->submit([self = shared_from_this(), route = match_.route, request = make_request(), trace = span_->context()]() {
        tracing::Scope scope(trace, self->ctx_.service);
        std::optional<Response> refusal;
        try {
          refusal = route->options.before_body(request);
        } catch (const std::exception& e) {
          refusal = self->internal_error(request, e);
        }
        asio::post(self->stream_.get_executor(), [self, refusal = std::move(refusal)]() mutable {
          // The body was not read: the connection cannot carry another request.
          if (refusal) return self->respond(std::move(*refusal), true);
          self->continue_body();
        });
      });
      return;
    }
    continue_body();
  }

  void continue_body() {
    auto& req = parser_->get();
    if (parser_->is_done()) return on_body({}, 0);
    if (beast::iequals(req[bhttp::field::expect], "100-continue")) {
      auto cont = std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_, req.version());
      stream_.expires_after(shared_.options.read_timeout);
      bhttp::async_write(stream_, *cont, [self = shared_from_this(), cont](beast::error_code wec, std::size_t) {
        if (wec) return self->abandon(400);
        self->read_body();
      });
      return;
    }
    read_body();
  }

  void read_body() {
    stream_.expires_after(shared_.options.read_timeout);
    bhttp::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::on_body, shared_from_this()));
  }

  void on_body(beast::error_code ec, std::size_t) {
    if (ec == beast::error::timeout) return abandon(408);
    if (ec == bhttp::error::body_limit) {
      return respond(problem(413, "request body exceeds the limit of " + std::to_string(limit_) + " bytes"), true);
    }
    if (ec == asio::error::eof || ec == asio::error::connection_reset || ec == bhttp::error::partial_message) {
      return abandon(400);
    }
    if (ec) return respond(problem(400, "malformed HTTP request body: " + ec.message()), true);

    auto& req = parser_->get();
    bool close = !req.keep_alive();
    if (match_.status == 404) return respond(problem(404, "no route for " + path_ + "; GET / lists this service's endpoints"), close);
    if (match_.status == 405) {
      Response r = problem(405, method_ + " is not allowed on " + path_ + "; allowed: " + match_.allow);
      r.headers.emplace_back("Allow", match_.allow);
      return respond(std::move(r), close);
    }
    Request request = make_request();
    request.body = std::move(req.body());
    if (match_.route->options.inline_handler) {
      tracing::Scope scope(span_->context(), ctx_.service);
      return respond(call_handler(*match_.route, request), close);
    }
    // The connection waits for the worker's answer, then continues on its own I/O thread.
    ctx_.handlers->submit([self = shared_from_this(), route = match_.route, request = std::move(request), close,
                           trace = span_->context()]() mutable {
      tracing::Scope scope(trace, self->ctx_.service);
      auto response = std::make_shared<Response>(self->call_handler(*route, request));
      if (request.body.size() >= kTrimAfterBytes) {
        // A large body and what the handler built from it were freed in many chunks that
        // glibc keeps; give them back, so memory returns after a large request.
        request = Request{};
        ::malloc_trim(0);
      }
      asio::post(self->stream_.get_executor(), [self, response, close] { self->respond(std::move(*response), close); });
    });
  }

  // The request as handlers see it, without its body.
  Request make_request() const {
    Request request;
    request.method = method_;
    request.target = target_;
    request.path = path_;
    request.query = query_;
    request.params = match_.params;
    request.request_id = request_id_;
    for (const auto& field : parser_->get()) {
      request.headers.emplace_back(beast::string_view(field.name_string()), beast::string_view(field.value()));
    }
    return request;
  }

  Response call_handler(const Route& route, const Request& request) {
    try {
      return route.handler(request);
    } catch (const std::exception& e) {
      return internal_error(request, e);
    }
  }

  Response internal_error(const Request& request, const std::exception& e) {
    Logger::error("handler threw", {{"service", ctx_.service}, {"request_id", request.request_id}, {"error", e.what()}});
    return problem(Error::internal("internal error; quote request id " + request.request_id + " when reporting it"));
  }

  // `caller`: the context the request came with, which its server span continues.
  void begin_exchange(const tracing::SpanContext* caller) {
    shared_.in_flight.fetch_add(1);
    counted_ = true;
    start_ = Clock::now();
    span_.emplace(method_, tracing::SpanKind::kServer, caller, ctx_.service);
  }

  void end_exchange(int status, std::size_t bytes) {
    if (!counted_) return;
    counted_ = false;
    double seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    const std::string& route = match_.route ? match_.route->pattern : kUnmatched;
    if (span_->recording()) {
      span_->set_name(method_.empty() ? "HTTP" : method_ + " " + route);
      span_->set("http.request.method", method_).set("url.path", path_).set("http.response.status_code", status);
      if (match_.route) span_->set("http.route", route);
      if (!request_id_.empty()) span_->set("chatdb.request_id", request_id_);
      // A 4xx is the client's error: recorded, but the server span did not fail (OpenTelemetry's rule).
      std::string type = problem_type_.empty() ? std::to_string(status) : problem_type_;
      if (status >= 500) span_->fail(type, "HTTP " + std::to_string(status));
      else if (status >= 400) span_->set("error.type", type);
    }
    if (ctx_.observer) {
      ctx_.observer(Exchange{ctx_.service, route, method_, target_, request_id_, remote_, status, seconds, bytes,
                             span_->context().trace_id, span_->context().span_id});
    }
    span_.reset();
    problem_type_.clear();
    shared_.in_flight.fetch_sub(1);
    method_.clear();
    target_.clear();
    path_.clear();
    match_ = {};
  }

  // The client gave up or stalled: nothing can be answered; account for the exchange and close.
  void abandon(int status) {
    end_exchange(status, 0);
    close();
  }

  void respond(Response r, bool close) {
    if (shared_.draining.load()) close = true;
    if (r.status >= 400 && span_ && span_->recording()) problem_type_ = problem_type(r);
    auto res = std::make_shared<bhttp::response<bhttp::string_body>>();
    res->version(11);
    res->result(static_cast<unsigned>(r.status));
    res->set(bhttp::field::server, "chatdb");
    res->set(bhttp::field::content_type, r.content_type);
    if (!request_id_.empty()) res->set("X-Request-Id", request_id_);
    for (auto& [k, v] : r.headers) res->insert(k, v);
    res->body() = std::move(r.body);
    res->keep_alive(!close);
    res->prepare_payload();
    stream_.expires_after(shared_.options.read_timeout);
    bhttp::async_write(stream_, *res, [self = shared_from_this(), res, close](beast::error_code ec, std::size_t bytes) {
      self->end_exchange(static_cast<int>(res->result_int()), bytes);
      self->request_id_.clear();
      if (ec || close) return self->linger();
      self->read_header();
    });
  }

  // Closing with unread input makes the kernel send RST, which can destroy the response we
  // just sent before the client reads it. Stop sending, then swallow input for a moment.
  void linger() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.expires_after(std::chrono::seconds(2));
    drain_some();
  }

  void drain_some() {
    stream_.async_read_some(asio::buffer(discard_), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
      self->lingered_ += n;
      if (ec || self->lingered_ > kLingerBytes) return self->close();
      self->drain_some();
    });
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  Shared& shared_;
  std::shared_ptr<const ListenerContext> ctx_holder_;
  const ListenerContext& ctx_;
  std::string remote_;
  std::string method_, target_, path_, request_id_;
  std::map<std::string, std::string> query_;
  RouteMatch match_;
  std::optional<tracing::Span> span_;  // of the exchange in progress
  std::string problem_type_;
  Clock::time_point start_;
  std::size_t limit_ = 0;
  bool counted_ = false;
  std::size_t lingered_ = 0;
  std::array<char, 16 * 1024> discard_{};
};

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(Shared& shared, ListenerContext ctx, const tcp::endpoint& endpoint)
      : shared_(shared), ctx_(std::make_shared<const ListenerContext>(std::move(ctx))), acceptor_(shared.main()) {
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(asio::socket_base::max_listen_connections);
  }

  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

  void start() { accept(); }

  void close() {
    asio::dispatch(acceptor_.get_executor(), [self = shared_from_this()] {
      beast::error_code ec;
      self->acceptor_.close(ec);
    });
  }

 private:
  void accept() {
    acceptor_.async_accept(shared_.pick(), beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
  }

  void on_accept(beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (ec) {
      Logger::warn("accept failed", {{"service", ctx_->service}, {"error", ec.message()}});
    } else {
      std::make_shared<Session>(std::move(socket), shared_, ctx_)->start();
    }
    accept();
  }

  Shared& shared_;
  std::shared_ptr<const ListenerContext> ctx_;
  tcp::acceptor acceptor_;
};

}  // namespace

struct Server::Impl {
  Shared shared;
  std::vector<std::shared_ptr<Listener>> listeners;
  std::optional<asio::signal_set> signals;
  std::optional<asio::steady_timer> drain_timer;
  Clock::time_point drain_deadline;

  void begin_drain() {
    if (shared.draining.exchange(true)) return;
    Logger::info("draining", {{"in_flight", shared.in_flight.load()}});
    for (auto& l : listeners) l->close();
    if (signals) signals->cancel();
    drain_deadline = Clock::now() + shared.options.drain_timeout;
    drain_timer.emplace(shared.main());
    poll_drain();
  }

  void poll_drain() {
    if (shared.in_flight.load() == 0 || Clock::now() >= drain_deadline) {
      for (auto& c : shared.contexts) c->stop();
      return;
    }
    drain_timer->expires_after(std::chrono::milliseconds(20));
    drain_timer->async_wait([this](beast::error_code) { poll_drain(); });
  }
};

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>()) {
  if (options.threads <= 0) options.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  impl_->shared.options = options;
  for (int i = 0; i < options.threads; ++i) impl_->shared.contexts.push_back(std::make_unique<asio::io_context>(1));
}

Server::~Server() = default;

std::uint16_t Server::listen(const std::string& service, const std::string& host, std::uint16_t port,
                             std::shared_ptr<const Router> router, ExchangeObserver observer, Guard guard) {
  try {
    tcp::endpoint endpoint(asio::ip::make_address(host), port);
    auto& pool = impl_->shared.handler_pools.emplace_back(std::make_unique<HandlerPool>(impl_->shared.options.handler_threads));
    auto listener = std::make_shared<Listener>(impl_->shared, ListenerContext{service, std::move(router), std::move(observer), std::move(guard), pool.get()},
                                               endpoint);
    impl_->listeners.push_back(listener);
    return listener->port();
  } catch (const std::exception& e) {
    throw std::runtime_error(service + ": cannot listen on " + host + ":" + std::to_string(port) + ": " + e.what() +
                             " (is another process using the port? set its *_PORT variable or flag)");
  }
}

void Server::run() {
  auto& impl = *impl_;
  impl.signals.emplace(impl.shared.main(), SIGINT, SIGTERM);
  impl.signals->async_wait([&impl](beast::error_code ec, int) {
    if (!ec) impl.begin_drain();
  });
  for (auto& l : impl.listeners) l->start();
  // Idle contexts must keep running until the drain stops them.
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  for (auto& c : impl.shared.contexts) guards.push_back(asio::make_work_guard(*c));
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < impl.shared.contexts.size(); ++i) {
    threads.emplace_back([c = impl.shared.contexts[i].get()] { c->run(); });
  }
  impl.shared.main().run();
  for (auto& t : threads) t.join();
}

void Server::stop() {
  asio::post(impl_->shared.main(), [impl = impl_.get()] { impl->begin_drain(); });
}

}  // namespace chatdb::http
