#pragma once

#include "tracing/trace_context.h"

#include <concepts>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace chatdb::tracing {

/// OTLP's span kinds, with their wire numbers.
enum class SpanKind { kInternal = 1, kServer = 2, kClient = 3, kProducer = 4, kConsumer = 5 };

using AttributeValue = std::variant<std::string, std::int64_t, double, bool>;

/// A finished span, as the exporter sends it.
struct SpanData {
  std::string service;  // the ChatDB service that did the work: the span's service.name
  std::string name;
  SpanContext context;
  std::string parent_span_id;  // "" for a root
  SpanKind kind = SpanKind::kInternal;
  std::int64_t start_ns = 0, end_ns = 0;  // Unix nanoseconds
  std::vector<std::pair<std::string, AttributeValue>> attributes;
  bool error = false;
  std::string status_message;
};

class Span;

/// The span a thread works in and the service it works for: what child spans, outgoing
/// requests and published messages continue. Set by a Scope.
struct Current {
  SpanContext context;
  std::string service;
};

/// This thread's current span, or nullptr.
const Current* current();

/// Makes a span's context current on this thread until destroyed (then the previous one is
/// current again). Scopes nest like blocks; never move one across threads.
class Scope {
 public:
  Scope(SpanContext context, std::string service);
  explicit Scope(const Span& span);
  ~Scope();
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;

 private:
  Current mine_;
  const Current* previous_;
};

/// One timed operation. It always has a context (so that it can be propagated and logged);
/// it is recorded, and exported when it ends, only when tracing is on and the trace sampled.
/// Attribute setters cost nothing on a span that is not recorded. Not thread-safe: one owner.
class Span {
 public:
  enum class Parent {
    kCurrentOrNew,  // a child of this thread's current span, else the root of a new trace
    kCurrentOnly,   // only inside a trace: background work (polls) makes no traces of its own
  };

  /// A child of this thread's current span, in its service.
  explicit Span(std::string name, SpanKind kind = SpanKind::kInternal, Parent parent = Parent::kCurrentOrNew);
  /// A child of `parent` (a remote context: a request's or a message's), or the root of a new
  /// trace when it is nullptr, done by `service`.
  Span(std::string name, SpanKind kind, const SpanContext* parent, std::string service);
  ~Span();
  Span(Span&& other) noexcept;
  Span& operator=(Span&&) = delete;
  Span(const Span&) = delete;
  Span& operator=(const Span&) = delete;

  /// Empty for a kCurrentOnly span outside a trace.
  const SpanContext& context() const { return context_; }
  const std::string& service() const { return service_; }
  bool recording() const { return data_ != nullptr; }

  Span& set(std::string_view key, std::string_view value);
  Span& set(std::string_view key, const char* value) { return set(key, std::string_view(value)); }
  Span& set(std::string_view key, double value);
  Span& set(std::string_view key, bool value);
  template <std::integral T>
    requires(!std::same_as<T, bool>)
  Span& set(std::string_view key, T value) {
    return set_int(key, static_cast<std::int64_t>(value));
  }
  void set_name(std::string name);
  /// Marks the span failed: status ERROR with `message`, and `error.type` (a problem type, an
  /// error code or an HTTP status).
  void fail(std::string_view error_type, std::string message);
  /// Ends it now (the destructor ends it otherwise); later calls do nothing.
  void end();

 private:
  void start(std::string name, SpanKind kind, const SpanContext* parent);
  Span& set_int(std::string_view key, std::int64_t value);

  SpanContext context_;
  std::string service_;
  std::unique_ptr<SpanData> data_;  // only while recording
};

}  // namespace chatdb::tracing
