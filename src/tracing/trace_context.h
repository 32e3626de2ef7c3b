#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace chatdb::tracing {

/// The W3C Trace Context of one span (https://www.w3.org/TR/trace-context/): the trace it
/// belongs to, its own id, its flags and the vendors' tracestate. Ids are lowercase hex.
struct SpanContext {
  std::string trace_id;  // 32 hex digits, not all zero
  std::string span_id;   // 16 hex digits, not all zero
  bool sampled = false;
  std::string tracestate;  // passed on as received (validated), "" when none

  bool valid() const { return trace_id.size() == 32 && span_id.size() == 16; }
  /// `00-TRACE-SPAN-FLAGS`.
  std::string traceparent() const;
};

/// Parses a `traceparent` header; nullopt when it is malformed (the caller starts a new trace),
/// per the specification: version ff is invalid; a higher version than 00 is read by its
/// first four fields; ids of all zeros are invalid.
std::optional<SpanContext> parse_traceparent(std::string_view header);

/// A `tracestate` header kept only when it is well formed: at most 32 list members of
/// key=value, at most 512 characters; otherwise "" (the specification allows dropping it).
std::string valid_tracestate(std::string_view header);

/// The context of an incoming request or message, or nullopt.
std::optional<SpanContext> extract(std::string_view traceparent, std::string_view tracestate);

std::string new_trace_id();
std::string new_span_id();

}  // namespace chatdb::tracing
