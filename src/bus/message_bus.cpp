#include "bus/message_bus.h"

#include <exception>

namespace chatdb::bus {
namespace {

std::string header(const Headers& headers, std::string_view name) {
  for (const auto& [k, v] : headers) {
    if (k == name) return v;
  }
  return {};
}

Status run(const Handler& handler, const Message& message) {
  try {
    return handler(message);
  } catch (const std::exception& e) {
    return Error::internal(std::string("handler threw: ") + e.what());
  } catch (...) {
    return Error::internal("handler threw a non-standard exception");
  }
}

}  // namespace

Status call_handler(const Handler& handler, const Message& message, const std::string& group, const char* system) {
  auto producer = tracing::extract(header(message.headers, "traceparent"), header(message.headers, "tracestate"));
  tracing::Span span(message.topic + " process", tracing::SpanKind::kConsumer, producer ? &*producer : nullptr, group);
  span.set("messaging.system", system).set("messaging.operation.type", "process");
  span.set("messaging.destination.name", message.topic).set("messaging.consumer.group.name", group);
  span.set("messaging.destination.partition.id", std::to_string(message.partition));
  span.set("messaging.kafka.offset", message.offset);
  tracing::Scope scope(span);
  Status status = run(handler, message);
  if (!status.ok()) span.fail(to_string(status.error().code), status.error().message);
  return status;
}

Publication start_publication(const std::string& topic, const char* system) {
  Publication p{tracing::Span(topic + " publish", tracing::SpanKind::kProducer), {}};
  p.span.set("messaging.system", system).set("messaging.operation.type", "publish");
  p.span.set("messaging.destination.name", topic);
  if (p.span.context().valid()) {
    p.headers.emplace_back("traceparent", p.span.context().traceparent());
    if (!p.span.context().tracestate.empty()) p.headers.emplace_back("tracestate", p.span.context().tracestate);
  }
  return p;
}

}  // namespace chatdb::bus
