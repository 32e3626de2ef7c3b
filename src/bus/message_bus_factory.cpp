#include "bus/message_bus_factory.h"

#include "bus/kafka_bus.h"
#include "bus/local_bus.h"
#include "common/config.h"

namespace chatdb::bus {

std::unique_ptr<MessageBus> make_message_bus(const std::string& bootstrap) {
  static const std::string kLocal = "local://";
  static const std::string kKafka = "kafka://";
  if (bootstrap == kLocal) return std::make_unique<LocalBus>();
  std::string servers = bootstrap.starts_with(kKafka) ? bootstrap.substr(kKafka.size()) : bootstrap;
  if (servers.empty() || servers.find("://") != std::string::npos) {
    throw ConfigError("KAFKA_BOOTSTRAP_SERVERS=" + bootstrap +
                      ": expected local:// or kafka://HOST:PORT[,HOST:PORT] or HOST:PORT[,HOST:PORT]");
  }
  KafkaBus::Options options;
  options.bootstrap_servers = servers;
  return std::make_unique<KafkaBus>(options);
}

}  // namespace chatdb::bus
