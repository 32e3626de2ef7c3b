#include "http/metrics_registry.h"

#include <gtest/gtest.h>

namespace chatdb::http {
namespace {

TEST(MetricsRegistryTest, RendersCountersWithLabelsAndEscapes) {
  MetricsRegistry m;
  auto& c = m.counter("x_requests_total", "Requests.", {"route", "code"});
  c.with({"/jobs/{id}", "200"}).inc();
  c.with({"/jobs/{id}", "200"}).inc(2);
  c.with({"say \"hi\"\n", "500"}).inc();
  std::string text = m.render();
  EXPECT_NE(text.find("# HELP x_requests_total Requests.\n# TYPE x_requests_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("x_requests_total{route=\"/jobs/{id}\",code=\"200\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("x_requests_total{route=\"say \\\"hi\\\"\\n\",code=\"500\"} 1\n"), std::string::npos);
}

TEST(MetricsRegistryTest, HistogramBucketsAreCumulativeWithInfSumAndCount) {
  MetricsRegistry m;
  auto& h = m.histogram("x_seconds", "Latency.", {"svc"}, {0.1, 1});
  auto& child = h.with({"a"});
  child.observe(0.05);
  child.observe(0.5);
  child.observe(3);
  std::string text = m.render();
  EXPECT_NE(text.find("x_seconds_bucket{svc=\"a\",le=\"0.10000000000000001\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("x_seconds_bucket{svc=\"a\",le=\"1\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("x_seconds_bucket{svc=\"a\",le=\"+Inf\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("x_seconds_sum{svc=\"a\"} 3.5499999999999998\n"), std::string::npos) << text;
  EXPECT_NE(text.find("x_seconds_count{svc=\"a\"} 3\n"), std::string::npos);
}

TEST(MetricsRegistryTest, GaugesAndCallbacksReadCurrentValues) {
  MetricsRegistry m;
  auto& g = m.gauge("x_queue_depth", "Depth.");
  g.with({}).set(5);
  g.with({}).add(-2);
  double v = 1;
  m.gauge_callback("x_live", "Live.", [&v] { return v; });
  v = 42;
  std::string text = m.render();
  EXPECT_NE(text.find("x_queue_depth 3\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE x_live gauge\nx_live 42\n"), std::string::npos);
}

}  // namespace
}  // namespace chatdb::http
