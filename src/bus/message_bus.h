#pragma once

#include "common/error.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace chatdb::bus {

/// One message as a consumer sees it.
struct Message {
  std::string topic;
  std::string key;      // orders messages: one key always maps to one partition
  std::string payload;  // JSON text by convention
  std::int32_t partition = 0;
  std::int64_t offset = -1;
};

/// What a handler says of a message: Status::success() when its effect is durable (the offset
/// may then be stored), an error to have the same message delivered again later.
using Handler = std::function<Status(const Message&)>;

/// Runs a handler for a bus's delivery thread: a handler that throws is a bug, but it must not
/// take the process down, so the exception becomes an internal error (and a redelivery).
Status call_handler(const Handler& handler, const Message& message);

/// A running consumer; destroying it stops consuming (after the handler in progress returns).
class Subscription {
 public:
  virtual ~Subscription() = default;
};

/// Publish/subscribe over named topics, at least once.
///
/// - publish: durable when it returns success (Kafka: acks=all, idempotent producer); per key,
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
