#include "tracing/span.h"

#include "tracing/tracer.h"

#include <chrono>

namespace chatdb::tracing {
namespace {

thread_local const Current* t_current = nullptr;

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

const Current* current() { return t_current; }

Scope::Scope(SpanContext context, std::string service)
    : mine_{std::move(context), std::move(service)}, previous_(t_current) {
  t_current = &mine_;
}

Scope::Scope(const Span& span) : Scope(span.context(), span.service()) {}

Scope::~Scope() { t_current = previous_; }

Span::Span(std::string name, SpanKind kind, Parent parent) {
  const Current* cur = t_current;
  if (!cur || !cur->context.valid()) {
    if (parent == Parent::kCurrentOnly) return;
    start(std::move(name), kind, nullptr);
    return;
  }
  service_ = cur->service;
  start(std::move(name), kind, &cur->context);
}

Span::Span(std::string name, SpanKind kind, const SpanContext* parent, std::string service) : service_(std::move(service)) {
  start(std::move(name), kind, parent && parent->valid() ? parent : nullptr);
}

void Span::start(std::string name, SpanKind kind, const SpanContext* parent) {
  context_.trace_id = parent ? parent->trace_id : new_trace_id();
  context_.span_id = new_span_id();
  if (parent) context_.tracestate = parent->tracestate;
  context_.sampled = Tracer::sample(parent, context_.trace_id);
  if (!context_.sampled || !Tracer::enabled()) return;
  data_ = std::make_unique<SpanData>();
  data_->service = service_;
  data_->name = std::move(name);
  data_->context = context_;
  if (parent) data_->parent_span_id = parent->span_id;
  data_->kind = kind;
  data_->start_ns = now_ns();
}

Span::~Span() { end(); }

Span::Span(Span&& other) noexcept
    : context_(std::move(other.context_)), service_(std::move(other.service_)), data_(std::move(other.data_)) {}

Span& Span::set(std::string_view key, std::string_view value) {
  if (data_) data_->attributes.emplace_back(std::string(key), std::string(value));
  return *this;
}

Span& Span::set(std::string_view key, double value) {
  if (data_) data_->attributes.emplace_back(std::string(key), value);
  return *this;
}

Span& Span::set(std::string_view key, bool value) {
  if (data_) data_->attributes.emplace_back(std::string(key), value);
  return *this;
}

Span& Span::set_int(std::string_view key, std::int64_t value) {
  if (data_) data_->attributes.emplace_back(std::string(key), value);
  return *this;
}

void Span::set_name(std::string name) {
  if (data_) data_->name = std::move(name);
}

void Span::fail(std::string_view error_type, std::string message) {
  if (!data_) return;
  data_->error = true;
  data_->status_message = std::move(message);
  set("error.type", error_type);
}

void Span::end() {
  if (!data_) return;
  data_->end_ns = now_ns();
  Tracer::submit(std::move(*data_));
  data_.reset();
}

}  // namespace chatdb::tracing
