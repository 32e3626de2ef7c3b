#include "tracing/tracer.h"

#include <atomic>
#include <mutex>

namespace chatdb::tracing {
namespace {

struct Pipeline {
  Sampler sampler;
  std::shared_ptr<BatchSpanProcessor> processor;
};

// Read on every span while on: an atomic shared_ptr, so uninstall() never frees a processor
// that a span is submitting to.
std::atomic<std::shared_ptr<const Pipeline>>& pipeline() {
  static std::atomic<std::shared_ptr<const Pipeline>> p;
  return p;
}

std::atomic<bool> g_enabled{false};

}  // namespace

void Tracer::install(Sampler sampler, std::shared_ptr<BatchSpanProcessor> processor) {
  pipeline().store(std::make_shared<const Pipeline>(Pipeline{sampler, std::move(processor)}));
  g_enabled.store(true);
}

std::shared_ptr<BatchSpanProcessor> Tracer::uninstall() {
  g_enabled.store(false);
  auto old = pipeline().exchange(nullptr);
  return old ? old->processor : nullptr;
}

bool Tracer::enabled() { return g_enabled.load(std::memory_order_relaxed); }

bool Tracer::sample(const SpanContext* parent, std::string_view trace_id) {
  if (!enabled()) return parent && parent->sampled;  // pass the caller's decision on
  auto p = pipeline().load();
  return p ? p->sampler.sample(parent, trace_id) : false;
}

void Tracer::submit(SpanData span) {
  if (auto p = pipeline().load()) p->processor->submit(std::move(span));
}

std::int64_t Tracer::dropped(const std::string& service) {
  auto p = pipeline().load();
  return p ? p->processor->dropped(service) : 0;
}

std::int64_t Tracer::exported(const std::string& service) {
  auto p = pipeline().load();
  return p ? p->processor->exported(service) : 0;
}

}  // namespace chatdb::tracing
