#include "tracing/tracer.h"

#include <atomic>
#include <mutex>

namespace chatdb::tracing {
namespace {

// Read by every recorded span: an atomic shared_ptr, so uninstall() never frees a processor
// that a span is submitting to.
std::atomic<std::shared_ptr<BatchSpanProcessor>>& pipeline() {
  static std::atomic<std::shared_ptr<BatchSpanProcessor>> p;
  return p;
}

std::atomic<bool> g_enabled{false};
// Every span asks the sampler: a plain copy, written only while g_enabled is false, so that
// the request path takes no lock (an atomic shared_ptr's load takes one).
Sampler g_sampler;

}  // namespace

void Tracer::install(Sampler sampler, std::shared_ptr<BatchSpanProcessor> processor) {
  g_enabled.store(false);
  g_sampler = sampler;
  pipeline().store(std::move(processor));
  g_enabled.store(true, std::memory_order_release);
}

std::shared_ptr<BatchSpanProcessor> Tracer::uninstall() {
  g_enabled.store(false);
  return pipeline().exchange(nullptr);
}

bool Tracer::enabled() { return g_enabled.load(std::memory_order_acquire); }

bool Tracer::sample(const SpanContext* parent, std::string_view trace_id) {
  if (!enabled()) return parent && parent->sampled;  // pass the caller's decision on
  return g_sampler.sample(parent, trace_id);
}

void Tracer::submit(SpanData span) {
  if (auto p = pipeline().load()) p->submit(std::move(span));
}

std::int64_t Tracer::dropped(const std::string& service) {
  auto p = pipeline().load();
  return p ? p->dropped(service) : 0;
}

std::int64_t Tracer::exported(const std::string& service) {
  auto p = pipeline().load();
  return p ? p->exported(service) : 0;
}

}  // namespace chatdb::tracing
