#include "runtime/service_host.h"

#include "auth/request_guard.h"
#include "common/build_info.h"
#include "common/logger.h"
#include "common/process_stats.h"
#include "http/problem.h"
#include "tracing/tracer.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <set>
#include <unordered_map>

namespace chatdb::runtime {

struct ServiceHost::Hosted {
  std::shared_ptr<Service> service;
  std::shared_ptr<http::Router> router;
  // Unique for the life of the process, unlike an address: keys the per-thread caches below.
  const std::uint64_t id = next_id.fetch_add(1);
  static inline std::atomic<std::uint64_t> next_id{1};
  http::MetricsRegistry metrics;
  http::Family<http::Counter>* requests = nullptr;
  http::Family<http::Histogram>* latency = nullptr;
  // Per-thread caches of the label children: no lock shared between request threads.
  std::pair<http::Counter&, http::Histogram&> series(const std::string& route, const std::string& method, int status) {
    thread_local std::unordered_map<std::string, std::pair<http::Counter*, http::Histogram*>> cache;
    std::string code = std::to_string(status);
    std::string key = std::to_string(id) + '\n' + route + '\n' + method + '\n' + code;
    auto& slot = cache[key];
    if (!slot.first) {
      http::Labels labels{service->name(), route, method, code};
      slot = {&requests->with(labels), &latency->with(labels)};
    }
    return {*slot.first, *slot.second};
  }
};

namespace {

void register_common_metrics(http::MetricsRegistry& m, const std::string& service) {
  m.gauge_callback("process_resident_memory_bytes", "Resident memory size in bytes.",
                   [] { return static_cast<double>(ProcessStats::resident_memory_bytes()); });
  m.gauge_callback("process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
                   [] { return ProcessStats::start_time_seconds(); });
  m.gauge("chatdb_build_info", "Build of the running binary; the value is always 1.", {"service", "version", "commit"})
      .with({service, BuildInfo::version(), BuildInfo::commit()})
      .set(1);
  m.counter_callback("chatdb_trace_spans_dropped_total",
                     "Spans of this service not exported: the queue was full or the collector failed.",
                     [service] { return static_cast<double>(tracing::Tracer::dropped(service)); });
  m.counter_callback("chatdb_trace_spans_exported_total", "Spans of this service the collector accepted.",
                     [service] { return static_cast<double>(tracing::Tracer::exported(service)); });
}

nlohmann::json endpoint_list(const http::Router& router) {
  std::set<std::pair<std::string, std::string>> seen;
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : router.routes()) {
    if (seen.insert({r.pattern, r.method}).second) out.push_back(r.method + " " + r.pattern);
  }
  return out;
}

}  // namespace

ServiceHost::ServiceHost(http::ServerOptions options, std::shared_ptr<auth::Authenticator> authenticator)
    : server_(options), authenticator_(std::move(authenticator)) {}
ServiceHost::~ServiceHost() = default;

std::uint16_t ServiceHost::add(std::shared_ptr<Service> service, const std::string& host, std::uint16_t port) {
  auto h = std::make_unique<Hosted>();
  Hosted& hosted = *h;
  hosted.service = service;
  hosted.router = std::make_shared<http::Router>(service->mount_prefixes());
  const std::string name = service->name();
  register_common_metrics(hosted.metrics, name);
  hosted.requests = &hosted.metrics.counter("chatdb_http_requests_total", "HTTP requests served.",
                                            {"service", "route", "method", "code"});
  hosted.latency = &hosted.metrics.histogram("chatdb_http_request_duration_seconds",
                                             "Time from a request's headers to its response written.",
                                             {"service", "route", "method", "code"},
                                             http::MetricsRegistry::default_latency_buckets());
  service->register_metrics(hosted.metrics);

  auto& router = *hosted.router;
  router.add("GET", "/health", [body = nlohmann::json{{"status", "ok"}, {"service", name}}.dump()](const http::Request&) {
    return http::Response::text(body, "application/json");
  }, http::RouteOptions{0, true});
  router.add("GET", "/ready", [&hosted, name](const http::Request&) {
    nlohmann::json checks = nlohmann::json::object();
    bool ready = true;
    for (const auto& c : hosted.service->check_dependencies()) {
      checks[c.name] = {{"ok", c.ok}, {"detail", c.detail}};
      ready = ready && c.ok;
    }
    http::Response r = http::Response::json(
        {{"status", ready ? "ready" : "not ready"}, {"service", name}, {"checks", checks}}, ready ? 200 : 503);
    if (!ready) r.headers.emplace_back("Retry-After", "2");
    return r;
  });
  router.add("GET", "/metrics", [&hosted](const http::Request&) {
    return http::Response::text(hosted.metrics.render(), "text/plain; version=0.0.4; charset=utf-8");
  }, http::RouteOptions{0, true});
  service->mount(router);
  router.add("GET", "/", [&hosted, name](const http::Request&) {
    nlohmann::json body = {{"service", name},
                           {"summary", hosted.service->summary()},
                           {"version", BuildInfo::version()},
                           {"api_prefixes", hosted.service->mount_prefixes()},
                           {"endpoints", endpoint_list(*hosted.router)}};
    body.update(hosted.service->describe());
    return http::Response::json(body);
  });

  auto observer = [&hosted](const http::Exchange& x) {
    auto [count, latency] = hosted.series(x.route, x.method, x.status);
    count.inc();
    latency.observe(x.seconds);
    // Liveness and readiness probes come every few seconds: only at debug level.
    LogLevel level = x.route == "/health" || x.route == "/ready" ? LogLevel::kDebug : LogLevel::kInfo;
    if (Logger::enabled(level)) {
      JsonLine line;
      line.add("service", x.service).add("method", x.method).add("target", x.target).add("route", x.route);
      line.add("status", std::int64_t{x.status}).add("duration_ms", x.seconds * 1000.0);
      line.add("bytes", static_cast<std::int64_t>(x.response_bytes)).add("request_id", x.request_id).add("remote", x.remote);
      line.add("trace_id", x.trace_id).add("span_id", x.span_id);
      Logger::log(level, "request", line);
    }
  };
  http::Guard guard;
  if (authenticator_ && service->needs_api_keys()) guard = auth::make_request_guard(authenticator_, hosted.metrics);
  std::uint16_t bound = server_.listen(name, host, port, hosted.router, observer, std::move(guard));
  hosted_.push_back(std::move(h));
  return bound;
}

void ServiceHost::run() {
  for (auto& h : hosted_) h->service->start();
  server_.run();
  for (auto& h : hosted_) h->service->stop();
  Logger::info("stopped", {{"services", hosted_.size()}});
}

void ServiceHost::stop() { server_.stop(); }

}  // namespace chatdb::runtime
