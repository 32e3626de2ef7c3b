#include "bus/mock_kafka_cluster.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <algorithm>
#include <stdexcept>

namespace chatdb::bus {

struct MockKafkaCluster::Impl {
  rd_kafka_t* handle = nullptr;  // the cluster's bookkeeping instance, never used to produce
  rd_kafka_mock_cluster_t* cluster = nullptr;
  int brokers = 0;
  std::string bootstrap;
};

MockKafkaCluster::MockKafkaCluster(int brokers) : impl_(std::make_unique<Impl>()) {
  if (brokers < 1) throw std::runtime_error("mock kafka cluster: at least one broker is needed");
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  // The mock cluster logs through this instance; only warnings and worse are of interest.
  if (rd_kafka_conf_set(conf, "log_level", "4", errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
    rd_kafka_conf_destroy(conf);
    throw std::runtime_error(std::string("mock kafka cluster: ") + errstr);
  }
  impl_->handle = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (impl_->handle == nullptr) {
    rd_kafka_conf_destroy(conf);
    throw std::runtime_error(std::string("mock kafka cluster: ") + errstr);
  }
  impl_->cluster = rd_kafka_mock_cluster_new(impl_->handle, brokers);
  if (impl_->cluster == nullptr) {
    rd_kafka_destroy(impl_->handle);
    throw std::runtime_error("mock kafka cluster: could not start brokers on 127.0.0.1");
  }
  impl_->brokers = brokers;
  impl_->bootstrap = rd_kafka_mock_cluster_bootstraps(impl_->cluster);
}

MockKafkaCluster::~MockKafkaCluster() {
  rd_kafka_mock_cluster_destroy(impl_->cluster);
  rd_kafka_destroy(impl_->handle);
}

const std::string& MockKafkaCluster::bootstrap() const { return impl_->bootstrap; }

Status MockKafkaCluster::create_topic(const std::string& topic, int partitions) {
  if (topic.empty() || partitions < 1) {
    return Error::invalid("mock kafka cluster: a topic needs a name and at least one partition");
  }
  rd_kafka_resp_err_t err =
      rd_kafka_mock_topic_create(impl_->cluster, topic.c_str(), partitions, std::min(impl_->brokers, 3));
  if (err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
    return Error::conflict("mock kafka cluster: topic " + topic + " already exists");
  }
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Error::invalid("mock kafka cluster: cannot create topic " + topic + ": " + rd_kafka_err2str(err));
  }
  return Status::success();
}

void MockKafkaCluster::set_brokers_down() { rd_kafka_mock_broker_set_down(impl_->cluster, -1); }

void MockKafkaCluster::set_brokers_up() { rd_kafka_mock_broker_set_up(impl_->cluster, -1); }

}  // namespace chatdb::bus
