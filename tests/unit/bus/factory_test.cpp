#include "bus/kafka_bus.h"
#include "bus/local_bus.h"
#include "bus/message_bus_factory.h"
#include "common/config.h"

#include <gtest/gtest.h>

namespace chatdb::bus {
namespace {

TEST(MessageBusFactoryTest, LocalSchemeGivesTheInProcessBus) {
  auto bus = make_message_bus("local://");
  EXPECT_NE(dynamic_cast<LocalBus*>(bus.get()), nullptr);
}

TEST(MessageBusFactoryTest, KafkaSchemeGivesKafka) {
  // Port 9 on loopback refuses connections; creating the bus does not wait for one.
  EXPECT_NE(dynamic_cast<KafkaBus*>(make_message_bus("kafka://127.0.0.1:9").get()), nullptr);
  EXPECT_NE(dynamic_cast<KafkaBus*>(make_message_bus("kafka://127.0.0.1:9,127.0.0.2:9").get()), nullptr);
}

TEST(MessageBusFactoryTest, RejectsOtherSchemesBareListsAndEmptyLists) {
  EXPECT_THROW(make_message_bus("redis://127.0.0.1:6379"), ConfigError);
  EXPECT_THROW(make_message_bus("127.0.0.1:9"), ConfigError);  // Config turns a bare list into kafka://
  EXPECT_THROW(make_message_bus("kafka://"), ConfigError);
  EXPECT_THROW(make_message_bus(""), ConfigError);
}

}  // namespace
}  // namespace chatdb::bus
