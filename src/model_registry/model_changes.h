#pragma once

#include "bus/message_bus.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace chatdb::model_registry {

/// Tells the bus when what a model reference resolves to may have changed, so that servers
/// caching resolutions (ml-engine) drop them at once: {"model", "version"?, "change":
/// "version_ready" | "version_deleted" | "model_deleted" | "alias_set" | "alias_deleted"},
/// keyed by model name. Sent after the change committed; a publish that fails is logged, not
/// retried (the consumers' caches expire on their own: the events shorten staleness, they do
/// not carry state). A null bus publishes nothing. Thread-safe.
class ModelChanges {
 public:
  ModelChanges(std::shared_ptr<bus::MessageBus> bus, std::string topic);

  void publish(const std::string& model, std::optional<std::int64_t> version, const std::string& change);

 private:
  std::shared_ptr<bus::MessageBus> bus_;
  std::string topic_;
};

}  // namespace chatdb::model_registry
