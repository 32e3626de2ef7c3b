#pragma once

#include "common/error.h"
#include "tracing/span.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace chatdb::bus {

using Headers = std::vector<std::pair<std::string, std::string>>;

/// One message as a consumer sees it.
struct Message {
  std::string topic;
  std::string key;      // orders messages: one key always maps to one partition
  std::string payload;  // JSON text by convention
  std::int32_t partition = 0;
  std::int64_t offset = -1;
  Headers headers;      // Kafka record headers: the trace context (traceparent, tracestate)
};

/// What a handler says of a message: Status::success() when its effect is durable (the offset
/// may then be stored), an error to have the same message delivered again later.
using Handler = std::function<Status(const Message&)>;

/// Runs a handler for a bus's delivery thread: a handler that throws is a bug, but it must not
/// take the process down, so the exception becomes an internal error (and a redelivery).
/// The handler runs in a consumer span of service `group` that continues the trace of the
/// message's headers (`system`: messaging.system, "kafka" or "chatdb").
Status call_handler(const Handler& handler, const Message& message, const std::string& group, const char* system);

/// What a publish sends with its message: the producer span (a child of this thread's current
/// span; the implementation ends it once the message is acknowledged or failed) and the
/// headers that carry its context to the consumers.
struct Publication {
  tracing::Span span;
  Headers headers;
};
Publication start_publication(const std::string& topic, const char* system);

/// A running consumer; destroying it stops consuming (after the handler in progress returns).
class Subscription {
 public:
  virtual ~Subscription() = default;
};

/// Publish/subscribe over named topics, at least once.
///
/// - publish: durable when it returns success; it carries this thread's trace context in the
///   message's headers (Kafka: acks=all, idempotent producer); per key,
///   messages are delivered in publish order. A bus that is down gives `unavailable` (retryable).
/// - subscribe: joins consumer group `group` on `topic`; each message goes to one member of the
///   group. The handler runs on a thread of the bus, one message at a time per subscription;
///   an offset is stored only after the handler returned success, so a crash redelivers.
///   Handlers must therefore be idempotent.
/// - check: reachability, for /ready.
/// All methods are thread-safe.
class MessageBus {
 public:
  virtual ~MessageBus() = default;
  virtual Status publish(const std::string& topic, const std::string& key, const std::string& payload) = 0;
  virtual std::unique_ptr<Subscription> subscribe(const std::string& topic, const std::string& group, Handler handler) = 0;
  virtual Status check() = 0;
};

}  // namespace chatdb::bus
