#include "bus/message_bus_factory.h"

#include "bus/kafka_bus.h"
#include "bus/local_bus.h"
#include "common/config.h"

namespace chatdb::bus {

std::unique_ptr<MessageBus> make_message_bus(const std::string& url) {
  static const std::string kLocal = "local://";
  static const std::string kKafka = "kafka://";
  if (url == kLocal) return std::make_unique<LocalBus>();
  std::string servers = url.starts_with(kKafka) ? url.substr(kKafka.size()) : "";
  if (servers.empty() || servers.find("://") != std::string::npos) {
    throw ConfigError("CHATDB_BUS_URL=" + url + ": expected local:// or kafka://HOST:PORT[,HOST:PORT]");
  }
  KafkaBus::Options options;
  options.bootstrap_servers = servers;
  return std::make_unique<KafkaBus>(options);
}

}  // namespace chatdb::bus
