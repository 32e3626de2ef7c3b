#include "tracing/tracing_setup.h"

#include "common/logger.h"
#include "tracing/otlp_http_exporter.h"
#include "tracing/tracer.h"

#include <nlohmann/json.hpp>

namespace chatdb::tracing {

TracingSetup::TracingSetup(const TracingConfig& config) {
  for (const auto& w : config.warnings) Logger::warn("tracing: " + w, nlohmann::json::object());
  if (!config.enabled) return;
  auto exporter = std::make_shared<OtlpHttpExporter>(config.endpoint, config.headers, config.resource, config.timeout);
  auto processor = std::make_shared<BatchSpanProcessor>(
      config.batch, [exporter](const std::vector<SpanData>& spans) { return exporter->send(spans); });
  Tracer::install(config.sampler, std::move(processor));
  installed_ = true;
  Logger::info("tracing on", {{"endpoint", config.endpoint},
                              {"sampler_ratio", config.sampler.root == Sampler::Root::kRatio ? config.sampler.ratio
                                                : config.sampler.root == Sampler::Root::kAlwaysOn ? 1.0 : 0.0},
                              {"parent_based", config.sampler.parent_based},
                              {"schedule_delay_ms", config.batch.schedule_delay.count()}});
}

TracingSetup::~TracingSetup() {
  if (installed_) Tracer::uninstall();  // the processor exports what is left as it goes
}

}  // namespace chatdb::tracing
