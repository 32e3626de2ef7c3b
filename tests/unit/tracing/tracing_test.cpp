// W3C Trace Context, sampling, spans, their batching and OTLP encoding, the OTEL_* settings,
// and propagation over real HTTP (server and client on 127.0.0.1) and the in-process bus.
#include "bus/local_bus.h"
#include "common/config.h"
#include "http/client.h"
#include "http/server.h"
#include "tracing/batch_span_processor.h"
#include "tracing/otlp_json.h"
#include "tracing/tracer.h"
#include "tracing/tracing_config.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

namespace chatdb::tracing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
constexpr const char* kParent = "00f067aa0ba902b7";

TEST(TraceContext, ParsesTheSpecificationsExample) {
  auto ctx = parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  ASSERT_TRUE(ctx);
  EXPECT_EQ(ctx->trace_id, kTrace);
  EXPECT_EQ(ctx->span_id, kParent);
  EXPECT_TRUE(ctx->sampled);
  EXPECT_EQ(ctx->traceparent(), "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  EXPECT_FALSE(parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00")->sampled);
}

TEST(TraceContext, RefusesMalformedHeaders) {
  for (const char* bad : {"", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",                // no flags
                          "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",               // uppercase
                          "00-00000000000000000000000000000000-00f067aa0ba902b7-01",               // zero trace
                          "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",               // zero span
                          "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",               // version ff
                          "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",         // v00 is exact
                          "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                          "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01"}) {
    EXPECT_FALSE(parse_traceparent(bad)) << bad;
  }
}

TEST(TraceContext, ReadsAFutureVersionByItsFirstFields) {
  auto ctx = parse_traceparent("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-holds");
  ASSERT_TRUE(ctx);
  EXPECT_EQ(ctx->trace_id, kTrace);
  EXPECT_FALSE(parse_traceparent("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x"));
}

TEST(TraceContext, KeepsOnlyAWellFormedTracestate) {
  EXPECT_EQ(valid_tracestate("rojo=00f067aa0ba902b7, congo=t61rcWkgMzE"), "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
  EXPECT_EQ(valid_tracestate("tenant@vendor=x"), "tenant@vendor=x");
  EXPECT_EQ(valid_tracestate("Upper=1"), "");
  EXPECT_EQ(valid_tracestate("novalue"), "");
  EXPECT_EQ(valid_tracestate(std::string(600, 'a')), "");
  std::string many;
  for (int i = 0; i < 33; ++i) many += "k" + std::to_string(i) + "=v,";
  EXPECT_EQ(valid_tracestate(many), "");
}

TEST(TraceContext, NewIdsAreHexAndDistinct) {
  auto a = new_trace_id(), b = new_trace_id();
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
  EXPECT_TRUE(parse_traceparent("00-" + a + "-" + new_span_id() + "-01"));
}

TEST(Sampler, ParsesTheStandardNames) {
  EXPECT_TRUE(Sampler::parse("", "").parent_based);
  EXPECT_FALSE(Sampler::parse("always_off", "").parent_based);
  EXPECT_EQ(Sampler::parse("parentbased_traceidratio", "0.25").ratio, 0.25);
  EXPECT_THROW(Sampler::parse("sometimes", ""), ConfigError);
  EXPECT_THROW(Sampler::parse("traceidratio", "1.5"), ConfigError);
  EXPECT_THROW(Sampler::parse("traceidratio", "half"), ConfigError);
}

TEST(Sampler, RatioDecidesByTheTraceIdAndParentBasedFollowsTheParent) {
  Sampler ratio = Sampler::parse("traceidratio", "0.5");
  EXPECT_TRUE(ratio.sample(nullptr, "ffffffffffffffff0000000000000001"));
  EXPECT_FALSE(ratio.sample(nullptr, "0000000000000000ffffffffffffffff"));
  int kept = 0;
  for (int i = 0; i < 2000; ++i) kept += ratio.sample(nullptr, new_trace_id()) ? 1 : 0;
  EXPECT_GT(kept, 800);
  EXPECT_LT(kept, 1200);

  SpanContext unsampled{kTrace, kParent, false, ""};
  SpanContext sampled{kTrace, kParent, true, ""};
  Sampler parent_based = Sampler::parse("parentbased_always_on", "");
  EXPECT_FALSE(parent_based.sample(&unsampled, kTrace));
  EXPECT_TRUE(Sampler::parse("parentbased_always_off", "").sample(&sampled, kTrace));
  EXPECT_FALSE(Sampler::parse("parentbased_always_off", "").sample(nullptr, kTrace));
  EXPECT_TRUE(Sampler::parse("always_on", "").sample(&unsampled, kTrace));
}

// Installs a pipeline whose exporter keeps what it gets, for the test's lifetime.
class Captured {
 public:
  explicit Captured(Sampler sampler = {}, BatchOptions options = {100000, 512, 10ms}) {
    Tracer::install(sampler, std::make_shared<BatchSpanProcessor>(options, [this](const std::vector<SpanData>& spans) {
      std::lock_guard lock(mutex_);
      spans_.insert(spans_.end(), spans.begin(), spans.end());
      changed_.notify_all();
      return Status::success();
    }));
  }
  ~Captured() { Tracer::uninstall(); }

  // Waits until `n` spans arrived (or 5 s passed) and returns them all.
  std::vector<SpanData> wait_for(std::size_t n) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, 5s, [&] { return spans_.size() >= n; });
    return spans_;
  }

  static const SpanData* named(const std::vector<SpanData>& spans, std::string_view prefix) {
    for (const auto& s : spans) {
      if (s.name.rfind(prefix, 0) == 0) return &s;
    }
    return nullptr;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<SpanData> spans_;
};

TEST(Span, ChildrenShareTheTraceAndNameTheirParent) {
  Captured captured;
  {
    SpanContext caller{kTrace, kParent, true, "vendor=x"};
    Span root("root", SpanKind::kServer, &caller, "svc");
    Scope scope(root);
    Span child("child");
    child.set("rows", 3).set("model", "churn").set("ok", true).set("share", 0.5);
    child.fail("not_found", "no such thing");
    EXPECT_EQ(child.context().trace_id, kTrace);
    EXPECT_EQ(child.service(), "svc");
  }
  auto spans = captured.wait_for(2);
  ASSERT_EQ(spans.size(), 2u);
  const SpanData* root = Captured::named(spans, "root");
  const SpanData* child = Captured::named(spans, "child");
  ASSERT_TRUE(root && child);
  EXPECT_EQ(root->parent_span_id, kParent);
  EXPECT_EQ(child->parent_span_id, root->context.span_id);
  EXPECT_EQ(child->context.tracestate, "vendor=x");
  EXPECT_TRUE(child->error);
  EXPECT_EQ(child->status_message, "no such thing");
  EXPECT_LE(root->start_ns, child->start_ns);
  EXPECT_LE(child->end_ns, root->end_ns);
}

TEST(Span, BackgroundSpansNeedATraceAndNothingIsRecordedWhenOff) {
  Span outside("poll", SpanKind::kClient, Span::Parent::kCurrentOnly);
  EXPECT_FALSE(outside.context().valid());
  Span off("off");
  EXPECT_TRUE(off.context().valid());  // propagated and logged even when not exported
  EXPECT_FALSE(off.recording());

  Captured captured(Sampler::parse("always_off", ""));
  Span unsampled("unsampled");
  EXPECT_FALSE(unsampled.recording());
  EXPECT_FALSE(unsampled.context().sampled);
}

TEST(BatchSpanProcessor, DropsAndCountsWhenTheCollectorFailsOrTheQueueIsFull) {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<int> calls{0};
  {
    BatchSpanProcessor processor({4, 2, 5ms}, [&](const std::vector<SpanData>&) -> Status {
      // The first export hangs like a slow collector; then the collector is down.
      if (calls.fetch_add(1) == 0) released.wait();
      return Error::unavailable("collector down");
    });
    auto started = std::chrono::steady_clock::now();
    for (int i = 0; i < 50; ++i) processor.submit(SpanData{"svc-a", "s", {}, "", SpanKind::kInternal, 0, 0, {}, false, ""});
    // Submitting never waits for the stuck export.
    EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
    EXPECT_GE(processor.dropped("svc-a"), 50 - 4 - 2);
    release.set_value();
  }
  EXPECT_GE(calls.load(), 1);
}

TEST(BatchSpanProcessor, CountsExportedSpansPerService) {
  std::atomic<int> batches{0};
  BatchSpanProcessor processor({100, 10, 5ms}, [&](const std::vector<SpanData>& spans) {
    EXPECT_LE(spans.size(), 10u);
    ++batches;
    return Status::success();
  });
  for (int i = 0; i < 25; ++i) {
    processor.submit(SpanData{i % 5 == 0 ? "b" : "a", "s", {}, "", SpanKind::kInternal, 0, 0, {}, false, ""});
  }
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (processor.exported("a") + processor.exported("b") < 25 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_EQ(processor.exported("a"), 20);
  EXPECT_EQ(processor.exported("b"), 5);
  EXPECT_EQ(processor.dropped("a"), 0);
  EXPECT_GE(batches.load(), 3);
}

TEST(OtlpJson, OneResourcePerServiceWithHexIdsAndStringIntegers) {
  SpanData a{"ml-engine", "train", {kTrace, "1111111111111111", true, ""}, kParent, SpanKind::kConsumer, 5, 9, {}, false, ""};
  a.attributes.emplace_back("rows", std::int64_t{12});
  a.attributes.emplace_back("model", std::string("churn"));
  SpanData b{"model-registry", "POST", {kTrace, "2222222222222222", true, ""}, "1111111111111111", SpanKind::kServer, 6, 8, {}, true, "boom"};
  SpanData c{"", "orphan", {kTrace, "3333333333333333", true, ""}, "", SpanKind::kInternal, 1, 2, {}, false, ""};
  Resource resource;
  resource.attributes = {{"deployment.environment", "test"}};
  auto doc = nlohmann::json::parse(encode_otlp_json({a, b, c}, resource));
  ASSERT_EQ(doc["resourceSpans"].size(), 3u);
  std::map<std::string, nlohmann::json> by_service;
  for (const auto& rs : doc["resourceSpans"]) {
    std::string name;
    bool environment = false;
    for (const auto& attr : rs["resource"]["attributes"]) {
      if (attr["key"] == "service.name") name = attr["value"]["stringValue"];
      if (attr["key"] == "deployment.environment") environment = true;
    }
    EXPECT_TRUE(environment);
    by_service[name] = rs["scopeSpans"][0]["spans"][0];
  }
  ASSERT_TRUE(by_service.count("ml-engine") && by_service.count("model-registry") && by_service.count("chatdb"));
  const auto& span = by_service["ml-engine"];
  EXPECT_EQ(span["traceId"], kTrace);
  EXPECT_EQ(span["parentSpanId"], kParent);
  EXPECT_EQ(span["kind"], 5);
  EXPECT_EQ(span["startTimeUnixNano"], "5");
  EXPECT_EQ(span["attributes"][0]["value"]["intValue"], "12");
  EXPECT_FALSE(span.contains("status"));
  EXPECT_EQ(by_service["model-registry"]["status"]["code"], 2);
  EXPECT_FALSE(by_service["chatdb"].contains("parentSpanId"));

  resource.service_name_override = "all";
  EXPECT_EQ(nlohmann::json::parse(encode_otlp_json({a, b}, resource))["resourceSpans"].size(), 1u);
}

TEST(TracingConfig, OffWithoutAnEndpointAndFromTheStandardVariables) {
  EXPECT_FALSE(TracingConfig::from_values({}).enabled);
  auto c = TracingConfig::from_values({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://jaeger:4318/"},
                                       {"OTEL_EXPORTER_OTLP_HEADERS", "x-tenant=a%20b, api-key=k"},
                                       {"OTEL_RESOURCE_ATTRIBUTES", "service.name=mine,deployment.environment=prod"},
                                       {"OTEL_TRACES_SAMPLER", "parentbased_traceidratio"},
                                       {"OTEL_TRACES_SAMPLER_ARG", "0.01"},
                                       {"OTEL_BSP_SCHEDULE_DELAY", "250"}});
  EXPECT_TRUE(c.enabled);
  EXPECT_EQ(c.endpoint, "http://jaeger:4318/v1/traces");
  ASSERT_EQ(c.headers.size(), 2u);
  EXPECT_EQ(c.headers[0], (std::pair<std::string, std::string>{"x-tenant", "a b"}));
  EXPECT_EQ(c.resource.fallback_service, "mine");
  EXPECT_EQ(c.sampler.ratio, 0.01);
  EXPECT_EQ(c.batch.schedule_delay, 250ms);
  EXPECT_EQ(TracingConfig::from_values({{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://c:4318/custom"},
                                        {"OTEL_EXPORTER_OTLP_ENDPOINT", "http://other:4318"}})
                .endpoint,
            "http://c:4318/custom");
  EXPECT_FALSE(TracingConfig::from_values({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"}, {"OTEL_SDK_DISABLED", "TRUE"}}).enabled);
  EXPECT_FALSE(TracingConfig::from_values({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"}, {"OTEL_TRACES_EXPORTER", "none"}}).enabled);
  EXPECT_EQ(TracingConfig::from_values({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"}, {"OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"}})
                .warnings.size(),
            1u);
}

TEST(TracingConfig, RefusesWhatItCannotDo) {
  using Env = std::map<std::string, std::string>;
  for (const Env& bad : {Env{{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"}, {"OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"}},
                         Env{{"OTEL_EXPORTER_OTLP_ENDPOINT", "https://c:4318"}},
                         Env{{"OTEL_EXPORTER_OTLP_HEADERS", "novalue"}},
                         Env{{"OTEL_BSP_SCHEDULE_DELAY", "-1"}},
                         Env{{"OTEL_TRACES_SAMPLER", "traceidratio"}, {"OTEL_TRACES_SAMPLER_ARG", "2"}},
                         Env{{"OTEL_TRACES_EXPORTER", "zipkin"}}}) {
    EXPECT_THROW(TracingConfig::from_values(bad), ConfigError) << bad.begin()->first;
  }
}

// A request made inside a span carries it to the server, whose span continues it; the access
// log's ids are the server span's.
TEST(Propagation, HttpClientToServerContinuesTheTrace) {
  Captured captured;
  http::ServerOptions o;
  o.threads = 1;
  http::Server server(o);
  auto router = std::make_shared<http::Router>();
  std::string seen_traceparent, handler_trace;
  router->add("GET", "/items/{id}", [&](const http::Request& r) {
    seen_traceparent = r.header("traceparent");
    handler_trace = current() ? current()->context.trace_id : "";
    return http::Response::json({{"ok", true}}, r.params.at("id") == "missing" ? 503 : 200);
  });
  std::string logged_trace, logged_span;
  auto port = server.listen("svc-server", "127.0.0.1", 0, router, [&](const http::Exchange& x) {
    logged_trace = x.trace_id;
    logged_span = x.span_id;
  });
  std::thread serving([&] { server.run(); });
  {
    Span root("caller", SpanKind::kInternal, nullptr, "svc-client");
    Scope scope(root);
    http::Client client;
    auto ok = client.get("http://127.0.0.1:" + std::to_string(port) + "/items/7?x=1");
    ASSERT_TRUE(ok.ok());
    EXPECT_EQ(ok->status, 200);
    EXPECT_EQ(handler_trace, root.context().trace_id);
    EXPECT_EQ(parse_traceparent(seen_traceparent)->trace_id, root.context().trace_id);
    auto failed = client.get("http://127.0.0.1:" + std::to_string(port) + "/items/missing");
    ASSERT_TRUE(failed.ok());
  }
  server.stop();
  serving.join();
  auto spans = captured.wait_for(5);
  const SpanData* caller = Captured::named(spans, "caller");
  ASSERT_TRUE(caller);
  int servers = 0;
  for (const auto& s : spans) {
    EXPECT_EQ(s.context.trace_id, caller->context.trace_id) << s.name;
    if (s.kind == SpanKind::kClient) {
      EXPECT_EQ(s.parent_span_id, caller->context.span_id);
      EXPECT_EQ(s.service, "svc-client");
    }
    if (s.kind != SpanKind::kServer) continue;
    ++servers;
    EXPECT_EQ(s.name, "GET /items/{id}");
    EXPECT_EQ(s.service, "svc-server");
    // The server span's parent is a client span of the caller.
    bool parent_is_client = false;
    for (const auto& c : spans) parent_is_client |= c.kind == SpanKind::kClient && c.context.span_id == s.parent_span_id;
    EXPECT_TRUE(parent_is_client);
  }
  EXPECT_EQ(servers, 2);
  const SpanData* last_server = nullptr;
  for (const auto& s : spans) {
    if (s.kind == SpanKind::kServer && s.error) last_server = &s;
  }
  ASSERT_TRUE(last_server);  // the 503
  EXPECT_EQ(logged_trace, caller->context.trace_id);
  EXPECT_EQ(logged_span, last_server->context.span_id);
}

TEST(Propagation, ABusMessageCarriesTheTraceToItsConsumer) {
  Captured captured;
  bus::LocalBus bus;
  std::promise<std::pair<std::string, std::string>> consumed;
  auto subscription = bus.subscribe("topic", "consumer-service", [&](const bus::Message& m) {
    consumed.set_value({current() ? current()->context.trace_id : "", current() ? current()->service : ""});
    return Status::success();
  });
  std::string trace;
  {
    Span root("producer work", SpanKind::kInternal, nullptr, "producer-service");
    Scope scope(root);
    trace = root.context().trace_id;
    ASSERT_TRUE(bus.publish("topic", "k", "{}").ok());
  }
  auto future = consumed.get_future();
  ASSERT_EQ(future.wait_for(5s), std::future_status::ready);
  auto [consumer_trace, consumer_service] = future.get();
  EXPECT_EQ(consumer_trace, trace);
  EXPECT_EQ(consumer_service, "consumer-service");
  auto spans = captured.wait_for(3);
  const SpanData* publish = Captured::named(spans, "topic publish");
  const SpanData* process = Captured::named(spans, "topic process");
  ASSERT_TRUE(publish && process);
  EXPECT_EQ(publish->kind, SpanKind::kProducer);
  EXPECT_EQ(publish->service, "producer-service");
  EXPECT_EQ(process->parent_span_id, publish->context.span_id);
  EXPECT_EQ(process->service, "consumer-service");
}

}  // namespace
}  // namespace chatdb::tracing
