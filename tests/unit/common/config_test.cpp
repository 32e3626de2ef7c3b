#include "common/config.h"

#include <gtest/gtest.h>

#include <map>

namespace chatdb {
namespace {

std::string error_of(const std::map<std::string, std::string>& values) {
  try {
    Config::from_values(values);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return {};
}

TEST(ConfigTest, DefaultsGiveTheEmbeddedMode) {
  Config c = Config::from_values({});
  EXPECT_EQ(c.host, "127.0.0.1");
  EXPECT_EQ(c.training_orchestrator_port, 8000);
  EXPECT_EQ(c.model_registry_port, 8004);
  EXPECT_EQ(c.database_url, "sqlite://.chatdb/chatdb.db");
  EXPECT_EQ(c.bus_url, "local://");
  EXPECT_EQ(c.training_topic, "training_jobs");
  EXPECT_EQ(c.model_registry_url, "http://127.0.0.1:8004");
  EXPECT_EQ(c.max_body_bytes, 1048576u);
}

TEST(ConfigTest, ValuesOverrideDefaultsAndServiceUrlsFollowPorts) {
  Config c = Config::from_values({{"QUERY_PARSER_PORT", "9102"},
                                  {"DATABASE_URL", "postgresql://chatdb@db:5432/chatdb"},
                                  {"KAFKA_BOOTSTRAP_SERVERS", "kafka-0:9092,kafka-1:9092"},
                                  {"CHATDB_HOST", "0.0.0.0"}});
  EXPECT_EQ(c.query_parser_port, 9102);
  EXPECT_EQ(c.query_parser_url, "http://127.0.0.1:9102");
  EXPECT_EQ(c.database_url, "postgresql://chatdb@db:5432/chatdb");
  EXPECT_EQ(c.kafka_bootstrap_servers, "kafka-0:9092,kafka-1:9092");
  EXPECT_EQ(c.bus_url, "kafka://kafka-0:9092,kafka-1:9092");
  EXPECT_EQ(c.port_of("query-parser"), 9102);
  EXPECT_EQ(c.url_of("query-parser"), "http://127.0.0.1:9102");
}

TEST(ConfigTest, InvalidValuesNameTheVariableAndWhatItAccepts) {
  auto e = error_of({{"DATABASE_URL", "mysql://x"}});
  EXPECT_NE(e.find("DATABASE_URL"), std::string::npos);
  EXPECT_NE(e.find("postgresql://"), std::string::npos);
  e = error_of({{"ML_ENGINE_PORT", "70000"}});
  EXPECT_NE(e.find("ML_ENGINE_PORT"), std::string::npos);
  EXPECT_NE(e.find("1 to 65535"), std::string::npos);
  EXPECT_NE(error_of({{"ML_ENGINE_PORT", "80a"}}).find("ML_ENGINE_PORT"), std::string::npos);
  EXPECT_NE(error_of({{"KAFKA_BOOTSTRAP_SERVERS", "kafka:"}}).find("KAFKA_BOOTSTRAP_SERVERS"), std::string::npos);
  EXPECT_NE(error_of({{"CHATDB_BUS_URL", "redis://r:6379"}}).find("CHATDB_BUS_URL"), std::string::npos);
  EXPECT_NE(error_of({{"CHATDB_BUS_URL", "broker:9092"}}).find("kafka://HOST:PORT"), std::string::npos);
  EXPECT_NE(error_of({{"CHATDB_BUS_URL", "kafka://"}}).find("KAFKA_BOOTSTRAP_SERVERS"), std::string::npos);
  EXPECT_NE(error_of({{"MODEL_REGISTRY_URL", "ftp://x"}}).find("MODEL_REGISTRY_URL"), std::string::npos);
  EXPECT_NE(error_of({{"TRAINING_TOPIC", "bad topic"}}).find("TRAINING_TOPIC"), std::string::npos);
  EXPECT_NE(error_of({{"LOG_LEVEL", "loud"}}).find("debug, info, warn, error"), std::string::npos);
  EXPECT_NE(error_of({{"CHATDB_MAX_BODY_BYTES", "0"}}).find("CHATDB_MAX_BODY_BYTES"), std::string::npos);
}

TEST(ConfigTest, AcceptsEveryDocumentedBusForm) {
  auto bus = [](std::map<std::string, std::string> values) { return Config::from_values(values).bus_url; };
  EXPECT_EQ(bus({{"CHATDB_BUS_URL", "local://"}}), "local://");
  EXPECT_EQ(bus({{"CHATDB_BUS_URL", "kafka://a:9092,b:9093"}}), "kafka://a:9092,b:9093");
  // The explicit URL wins over the brokers; kafka:// alone takes them.
  EXPECT_EQ(bus({{"CHATDB_BUS_URL", "local://"}, {"KAFKA_BOOTSTRAP_SERVERS", "broker:9092"}}), "local://");
  EXPECT_EQ(bus({{"CHATDB_BUS_URL", "kafka://"}, {"KAFKA_BOOTSTRAP_SERVERS", "broker:9092"}}), "kafka://broker:9092");
  // Deployments that set only KAFKA_BOOTSTRAP_SERVERS, in each form it accepted before.
  EXPECT_EQ(bus({{"KAFKA_BOOTSTRAP_SERVERS", "kafka://broker:9092"}}), "kafka://broker:9092");
  EXPECT_EQ(bus({{"KAFKA_BOOTSTRAP_SERVERS", "broker:9092"}}), "kafka://broker:9092");
  EXPECT_EQ(bus({{"KAFKA_BOOTSTRAP_SERVERS", "local://"}}), "local://");
}

TEST(ConfigTest, EverySettingHasAFlagAndAnEnvironmentVariable) {
  for (const auto& s : Config::settings()) {
    EXPECT_FALSE(s.env.empty());
    EXPECT_FALSE(s.flag.empty());
    EXPECT_NO_THROW(Config::from_values({{s.env, s.default_value}})) << s.env;
  }
}

}  // namespace
}  // namespace chatdb
