#include "model_registry/model_changes.h"

#include "common/logger.h"

#include <nlohmann/json.hpp>

namespace chatdb::model_registry {

ModelChanges::ModelChanges(std::shared_ptr<bus::MessageBus> bus, std::string topic) : bus_(std::move(bus)), topic_(std::move(topic)) {}

void ModelChanges::publish(const std::string& model, std::optional<std::int64_t> version, const std::string& change) {
  if (!bus_) return;
  nlohmann::json event = {{"model", model}, {"change", change}};
  if (version) event["version"] = *version;
  if (Status s = bus_->publish(topic_, model, event.dump()); !s) {
    Logger::warn("model change not published", {{"topic", topic_}, {"model", model}, {"change", change}, {"error", s.error().message}});
  }
}

}  // namespace chatdb::model_registry
