#include "http/client.h"

#include <algorithm>
#include <cstdlib>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <map>
#include <mutex>
#include <optional>

#include "http/circuit_breaker.h"
#include "tracing/span.h"

namespace chatdb::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

struct Url {
  std::string host, port, target;
};

Result<Url> parse_url(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (url.substr(0, kScheme.size()) != kScheme)
    return Error::invalid("only http:// URLs are supported: " + std::string(url));
  url.remove_prefix(kScheme.size());
  auto slash = url.find('/');
  std::string_view authority = url.substr(0, slash);
  Url out;
  out.target = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
  auto colon = authority.rfind(':');
  if (colon == std::string_view::npos) {
    out.host = std::string(authority);
    out.port = "80";
  } else {
    out.host = std::string(authority.substr(0, colon));
    out.port = std::string(authority.substr(colon + 1));
  }
  if (out.host.empty()) return Error::invalid("URL has no host: " + std::string(url));
  return out;
}

// One connection with its own io_context: each call runs it until the operation completes or
// its deadline fires, which gives blocking calls real timeouts.
struct Connection {
  asio::io_context ioc;
  beast::tcp_stream stream{ioc};
  beast::flat_buffer buffer;
};

}  // namespace

std::string ClientResponse::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k.size() == name.size() && std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
          return a == std::tolower(static_cast<unsigned char>(b));
        })) {
      return v;
    }
  }
  return {};
}

struct Client::Impl {
  explicit Impl(ClientOptions o) : options(o), breaker(o.breaker_failures, o.breaker_open_for) {}

  ClientOptions options;
  CircuitBreaker breaker;
  std::mutex mutex;
  std::map<std::string, std::vector<std::unique_ptr<Connection>>> idle;

  std::unique_ptr<Connection> take(const std::string& key) {
    std::lock_guard lock(mutex);
    auto& pool = idle[key];
    if (pool.empty()) return nullptr;
    auto c = std::move(pool.back());
    pool.pop_back();
    return c;
  }

  void give_back(const std::string& key, std::unique_ptr<Connection> c) {
    std::lock_guard lock(mutex);
    auto& pool = idle[key];
    if (pool.size() < options.max_idle_per_host) pool.push_back(std::move(c));
  }

  Result<std::unique_ptr<Connection>> connect(const Url& url) {
    auto c = std::make_unique<Connection>();
    tcp::resolver resolver(c->ioc);
    beast::error_code ec;
    auto endpoints = resolver.resolve(url.host, url.port, ec);
    if (ec) return Error::unavailable("cannot resolve " + url.host + ": " + ec.message());
    c->stream.expires_after(options.connect_timeout);
    c->stream.async_connect(endpoints, [&ec](beast::error_code e, const tcp::endpoint&) { ec = e; });
    c->ioc.run();
    c->ioc.restart();
    if (ec == beast::error::timeout) return Error::timeout("connecting to " + url.host + ":" + url.port + " timed out");
    if (ec) return Error::unavailable("cannot connect to " + url.host + ":" + url.port + ": " + ec.message());
    return c;
  }

  // Returns the response, or an error and whether the request may safely be re-sent (nothing
  // of a response was received on a reused connection).
  Result<ClientResponse> exchange(Connection& c, const Url& url, bhttp::request<bhttp::string_body>& req,
                                  std::chrono::milliseconds timeout, bool& retry_safe, bool& keep) {
    beast::error_code ec;
    c.stream.expires_after(timeout);
    bhttp::async_write(c.stream, req, [&ec](beast::error_code e, std::size_t) { ec = e; });
    c.ioc.run();
    c.ioc.restart();
    if (!ec) {
      bhttp::response_parser<bhttp::string_body> parser;
      parser.body_limit(options.max_response_bytes);
      bhttp::async_read(c.stream, c.buffer, parser, [&ec](beast::error_code e, std::size_t) { ec = e; });
      c.ioc.run();
      c.ioc.restart();
      if (!ec) {
        auto& res = parser.get();
        ClientResponse out;
        out.status = static_cast<int>(res.result_int());
        out.body = std::move(res.body());
        for (const auto& f : res) {
          std::string name(f.name_string());
          std::transform(name.begin(), name.end(), name.begin(), [](unsigned char ch) { return std::tolower(ch); });
          out.headers.emplace_back(std::move(name), std::string(f.value()));
        }
        keep = res.keep_alive();
        return out;
      }
      retry_safe = !parser.got_some() && ec != beast::error::timeout;
    } else {
      retry_safe = ec != beast::error::timeout;
    }
    std::string where = url.host + ":" + url.port + url.target;
    if (ec == beast::error::timeout) return Error::timeout("request to " + where + " timed out");
    return Error::unavailable("request to " + where + " failed: " + ec.message());
  }
  Result<ClientResponse> send(std::string_view method, const Url& url_parts, const std::string& key, std::string body,
                              const std::vector<std::pair<std::string, std::string>>& headers,
                              std::chrono::milliseconds timeout) {
    const Url* url = &url_parts;

    bhttp::request<bhttp::string_body> req;
    req.method_string(std::string(method));
    req.target(url->target);
    req.version(11);
    req.set(bhttp::field::host, key);
    req.set(bhttp::field::user_agent, "chatdb");
    if (!options.bearer_token.empty()) req.set(bhttp::field::authorization, "Bearer " + options.bearer_token);
    for (const auto& [k, v] : headers) req.set(k, v);
    if (!body.empty() && req[bhttp::field::content_type].empty())
      req.set(bhttp::field::content_type, "application/json");
    req.body() = std::move(body);
    req.keep_alive(true);
    req.prepare_payload();

    for (int attempt = 0; attempt < 2; ++attempt) {
      auto reused = take(key);
      bool was_pooled = reused != nullptr;
      std::unique_ptr<Connection> conn = std::move(reused);
      if (!conn) {
        auto fresh = connect(*url);
        if (!fresh.ok()) return fresh.error();
        conn = std::move(fresh.value());
      }
      bool retry_safe = false, keep = false;
      auto result = exchange(*conn, *url, req, timeout, retry_safe, keep);
      if (result.ok()) {
        if (keep) give_back(key, std::move(conn));
        return result;
      }
      if (!(was_pooled && retry_safe)) return result;
    }
    return Error::unavailable("request to " + key + " failed twice");
  }
  // The breaker around send().
  Result<ClientResponse> call(std::string_view method, const Url& url, const std::string& key, std::string body,
                              const std::vector<std::pair<std::string, std::string>>& headers,
                              std::optional<std::chrono::milliseconds> timeout);
};

Result<ClientResponse> Client::Impl::call(std::string_view method, const Url& url, const std::string& key, std::string body,
                                          const std::vector<std::pair<std::string, std::string>>& headers,
                                          std::optional<std::chrono::milliseconds> timeout) {
  if (auto wait = breaker.refuse(key)) {
    return Error::unavailable(key + " failed repeatedly; not calling it for another " + std::to_string(wait->count()) +
                              " ms (circuit open)");
  }
  auto result = send(method, url, key, std::move(body), headers, timeout.value_or(options.request_timeout));
  breaker.record(key, result.ok() && result->status < 500);
  return result;
}

Client::Client(ClientOptions options) : impl_(std::make_unique<Impl>(options)) {}
Client::~Client() = default;

Result<ClientResponse> Client::request(std::string_view method, std::string_view url_text, std::string body,
                                       const std::vector<std::pair<std::string, std::string>>& headers,
                                       std::optional<std::chrono::milliseconds> timeout) {
  auto url = parse_url(url_text);
  if (!url.ok()) return url.error();
  std::string key = url->host + ":" + url->port;
  if (!impl_->options.trace) return impl_->call(method, *url, key, std::move(body), headers, timeout);
  tracing::Span span(std::string(method), tracing::SpanKind::kClient);
  span.set("http.request.method", method).set("server.address", url->host).set("server.port", std::atoi(url->port.c_str()));
  span.set("url.path", std::string_view(url->target).substr(0, url->target.find('?')));
  bool own = std::any_of(headers.begin(), headers.end(), [](const auto& h) { return beast::iequals(h.first, "traceparent"); });
  auto with_context = headers;
  if (!own && span.context().valid()) {
    with_context.emplace_back("traceparent", span.context().traceparent());
    if (!span.context().tracestate.empty()) with_context.emplace_back("tracestate", span.context().tracestate);
  }
  auto result = impl_->call(method, *url, key, std::move(body), with_context, timeout);
  if (!result.ok()) {
    span.fail(to_string(result.error().code), result.error().message);
  } else {
    span.set("http.response.status_code", result->status);
    if (result->status >= 400) span.fail(std::to_string(result->status), "HTTP " + std::to_string(result->status));
  }
  return result;
}

}  // namespace chatdb::http
