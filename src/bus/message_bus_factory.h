#pragma once

#include "bus/message_bus.h"

#include <memory>
#include <string>

namespace chatdb::bus {

/// The bus named by its URL (Config::bus_url): "local://" gives the in-process LocalBus;
/// "kafka://host:port[,host:port...]" gives a KafkaBus with its default options. Throws
/// ConfigError on anything else (start-up only; Config has already validated the value, so
/// this is a second line of defence).
std::unique_ptr<MessageBus> make_message_bus(const std::string& url);

}  // namespace chatdb::bus
