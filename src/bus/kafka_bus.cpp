#include "bus/kafka_bus.h"

#include "common/logger.h"

#include <librdkafka/rdkafkacpp.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

namespace chatdb::bus {
namespace {

using Settings = std::vector<std::pair<std::string, std::string>>;

// librdkafka's log lines and error events become our JSON log lines.
class LogBridge final : public RdKafka::EventCb {
 public:
  void event_cb(RdKafka::Event& event) override {
    if (event.type() == RdKafka::Event::EVENT_ERROR) {
      Logger::log(event.fatal() ? LogLevel::kError : LogLevel::kWarn, "kafka: " + event.str(),
                  nlohmann::json{{"code", RdKafka::err2str(event.err())}});
    } else if (event.type() == RdKafka::Event::EVENT_LOG) {
      Logger::log(level_of(event.severity()), "kafka: " + event.str(), nlohmann::json{{"facility", event.fac()}});
    }
  }

 private:
  static LogLevel level_of(RdKafka::Event::Severity severity) {
    if (severity <= RdKafka::Event::EVENT_SEVERITY_ERROR) return LogLevel::kError;
    if (severity == RdKafka::Event::EVENT_SEVERITY_WARNING) return LogLevel::kWarn;
    if (severity == RdKafka::Event::EVENT_SEVERITY_DEBUG) return LogLevel::kDebug;
    return LogLevel::kInfo;
  }
};

LogBridge& log_bridge() {
  static LogBridge bridge;
  return bridge;
}

// One publish waiting for its delivery report. Shared between the publishing thread and the
// report callback, so that a publish that gives up waiting leaves nothing dangling.
struct Delivery {
  std::mutex mutex;
  std::condition_variable reported;
  bool done = false;
  RdKafka::ErrorCode error = RdKafka::ERR_NO_ERROR;
};

class DeliveryReports final : public RdKafka::DeliveryReportCb {
 public:
  void dr_cb(RdKafka::Message& message) override {
    std::unique_ptr<std::shared_ptr<Delivery>> owner(static_cast<std::shared_ptr<Delivery>*>(message.msg_opaque()));
    Delivery& delivery = **owner;
    {
      std::lock_guard lock(delivery.mutex);
      delivery.done = true;
      delivery.error = message.err();
    }
    delivery.reported.notify_one();
  }
};

DeliveryReports& delivery_reports() {
  static DeliveryReports reports;
  return reports;
}

std::string millis(std::chrono::milliseconds ms) { return std::to_string(ms.count()); }

std::unique_ptr<RdKafka::Conf> make_conf(const Settings& settings) {
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string error;
  for (const auto& [name, value] : settings) {
    if (conf->set(name, value, error) != RdKafka::Conf::CONF_OK) {
      throw std::runtime_error("kafka: cannot set " + name + "=" + value + ": " + error);
    }
  }
  if (conf->set("event_cb", &log_bridge(), error) != RdKafka::Conf::CONF_OK) {
    throw std::runtime_error("kafka: cannot set the event callback: " + error);
  }
  return conf;
}

// Settings both producer and consumers share.
Settings common_settings(const KafkaBus::Options& options) {
  return {{"bootstrap.servers", options.bootstrap_servers},
          {"client.id", "chatdb"},
          {"allow.auto.create.topics", "false"},
          // Reconnect within a second of a broker's return rather than after up to ten.
          {"reconnect.backoff.max.ms", "1000"},
          {"log.connection.close", "false"}};
}

Error publish_error(RdKafka::ErrorCode code, const std::string& topic, const KafkaBus::Options& options) {
  switch (code) {
    case RdKafka::ERR__UNKNOWN_TOPIC:
    case RdKafka::ERR_UNKNOWN_TOPIC_OR_PART:
    case RdKafka::ERR__UNKNOWN_PARTITION:
      return Error::not_found("kafka: topic " + topic +
                              " does not exist; create it (chatdb-test-broker, scripts/local-cluster.sh or the "
                              "Kubernetes topics job)");
    case RdKafka::ERR_MSG_SIZE_TOO_LARGE:
      return Error::invalid("kafka: message to " + topic + " is larger than the broker accepts");
    case RdKafka::ERR__FATAL:
      return Error::internal("kafka: the idempotent producer hit a fatal error; restart the service");
    default:
      return Error::unavailable("kafka: message to " + topic + " not acknowledged within " +
                                millis(options.delivery_timeout) + " ms (" + RdKafka::err2str(code) +
                                "); is a broker of " + options.bootstrap_servers + " up, and does the topic exist?");
  }
}

class KafkaSubscription final : public Subscription {
 public:
  KafkaSubscription(const KafkaBus::Options& options, const std::string& topic, const std::string& group,
                    Handler handler)
      : retry_backoff_(options.retry_backoff), group_(group), handler_(std::move(handler)) {
    Settings settings = common_settings(options);
    settings.insert(settings.end(),
                    {{"group.id", group},
                     {"auto.offset.reset", "earliest"},
                     // At least once: offsets are stored by hand after a handler's success and
                     // committed by librdkafka, periodically and when the consumer closes.
                     {"enable.auto.commit", "true"},
                     {"enable.auto.offset.store", "false"},
                     {"session.timeout.ms", millis(options.session_timeout)},
                     {"heartbeat.interval.ms", millis(options.session_timeout / 3)},
                     {"max.poll.interval.ms", millis(options.max_handler_time)}});
    std::unique_ptr<RdKafka::Conf> conf = make_conf(settings);
    std::string error;
    consumer_.reset(RdKafka::KafkaConsumer::create(conf.get(), error));
    if (!consumer_) throw std::runtime_error("kafka: cannot create a consumer: " + error);
    RdKafka::ErrorCode code = consumer_->subscribe({topic});
    if (code != RdKafka::ERR_NO_ERROR) {
      throw std::runtime_error("kafka: cannot subscribe to " + topic + ": " + RdKafka::err2str(code));
    }
    thread_ = std::thread([this] { run(); });
  }

  ~KafkaSubscription() override {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    stop_.notify_all();
    thread_.join();
    // Commits the stored offsets and leaves the group, so the partitions move at once.
    consumer_->close();
  }

 private:
  bool stopping() {
    std::lock_guard lock(mutex_);
    return stopping_;
  }

  void run() {
    while (!stopping()) {
      std::unique_ptr<RdKafka::Message> message(consumer_->consume(100));
      switch (message->err()) {
        case RdKafka::ERR_NO_ERROR:
          handle(*message);
          break;
        case RdKafka::ERR__TIMED_OUT:
        case RdKafka::ERR__PARTITION_EOF:
          break;
        default:  // librdkafka recovers by itself (reconnects, rejoins); say what happened
          Logger::warn("kafka: consumer error", {{"group", group_}, {"error", message->errstr()}});
      }
    }
  }

  void handle(RdKafka::Message& raw) {  // not const: headers() parses them
    Message message{raw.topic_name(), raw.key() ? *raw.key() : std::string(),
                    raw.payload() ? std::string(static_cast<const char*>(raw.payload()), raw.len()) : std::string(),
                    raw.partition(), raw.offset(), {}};
    if (RdKafka::Headers* headers = raw.headers()) {
      for (const auto& h : headers->get_all()) {
        if (h.value() && h.value_size() <= 1024) message.headers.emplace_back(h.key(), std::string(static_cast<const char*>(h.value()), h.value_size()));
      }
    }
    Status status = call_handler(handler_, message, group_, "kafka");
    if (status.ok()) {
      store_offset(message.topic, message.partition, message.offset + 1);
      return;
    }
    Logger::warn("bus: handler failed; the message will be delivered again",
                 {{"topic", message.topic}, {"group", group_}, {"partition", message.partition},
                  {"offset", message.offset}, {"error", status.error().message}});
    // Rewind the partition so that the next fetch starts at this message again; messages of
    // the partition already fetched are discarded by librdkafka.
    std::unique_ptr<RdKafka::TopicPartition> same(
        RdKafka::TopicPartition::create(message.topic, message.partition, message.offset));
    RdKafka::ErrorCode code = consumer_->seek(*same, 5000);
    if (code != RdKafka::ERR_NO_ERROR) {
      // The partition moved to another member, which resumes from the committed offset.
      Logger::warn("kafka: cannot seek back after a handler error",
                   {{"topic", message.topic}, {"partition", message.partition}, {"error", RdKafka::err2str(code)}});
    }
    std::unique_lock lock(mutex_);
    stop_.wait_for(lock, retry_backoff_, [this] { return stopping_; });
  }

  void store_offset(const std::string& topic, std::int32_t partition, std::int64_t next) {
    std::unique_ptr<RdKafka::TopicPartition> offset(RdKafka::TopicPartition::create(topic, partition, next));
    std::vector<RdKafka::TopicPartition*> offsets{offset.get()};
    RdKafka::ErrorCode code = consumer_->offsets_store(offsets);
    if (code == RdKafka::ERR_NO_ERROR) code = offset->err();
    if (code != RdKafka::ERR_NO_ERROR) {
      Logger::warn("kafka: cannot store an offset (partition revoked?); the message may be delivered again",
                   {{"topic", topic}, {"partition", partition}, {"offset", next}, {"error", RdKafka::err2str(code)}});
    }
  }


  const std::chrono::milliseconds retry_backoff_;
  const std::string group_;
  Handler handler_;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  std::mutex mutex_;
  std::condition_variable stop_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace

struct KafkaBus::Impl {
  Options options;
  std::unique_ptr<RdKafka::Producer> producer;
  std::atomic<bool> stopping{false};
  std::thread poller;  // serves delivery reports and log events
};

KafkaBus::KafkaBus(Options options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  Settings settings = common_settings(impl_->options);
  settings.insert(settings.end(),
                  {{"acks", "all"},
                   {"enable.idempotence", "true"},
                   {"message.timeout.ms", millis(impl_->options.delivery_timeout)},
                   // A publish waits for its acknowledgement; lingering would only add latency.
                   {"linger.ms", "0"},
                   // Java-compatible hash; empty keys, too, always go to one partition.
                   {"partitioner", "murmur2"}});
  std::unique_ptr<RdKafka::Conf> conf = make_conf(settings);
  std::string error;
  if (conf->set("dr_cb", &delivery_reports(), error) != RdKafka::Conf::CONF_OK) {
    throw std::runtime_error("kafka: cannot set the delivery report callback: " + error);
  }
  impl_->producer.reset(RdKafka::Producer::create(conf.get(), error));
  if (!impl_->producer) throw std::runtime_error("kafka: cannot create a producer: " + error);
  impl_->poller = std::thread([impl = impl_.get()] {
    while (!impl->stopping.load()) impl->producer->poll(100);
  });
}

KafkaBus::~KafkaBus() {
  impl_->producer->flush(static_cast<int>(impl_->options.delivery_timeout.count()));
  impl_->stopping = true;
  impl_->poller.join();
}

Status KafkaBus::publish(const std::string& topic, const std::string& key, const std::string& payload) {
  Publication publication = start_publication(topic, "kafka");
  auto failed = [&](Error e) {
    publication.span.fail(to_string(e.code), e.message);
    return e;
  };
  auto delivery = std::make_shared<Delivery>();
  auto* opaque = new std::shared_ptr<Delivery>(delivery);
  RdKafka::Headers* headers = RdKafka::Headers::create();
  for (const auto& [k, v] : publication.headers) headers->add(k, v);
  RdKafka::ErrorCode code = impl_->producer->produce(
      topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY, const_cast<char*>(payload.data()),
      payload.size(), key.data(), key.size(), 0, headers, opaque);
  if (code != RdKafka::ERR_NO_ERROR) {
    // On failure the headers are still ours; on success librdkafka owns them.
    delete headers;
    delete opaque;
    return failed(publish_error(code, topic, impl_->options));
  }
  // librdkafka reports every message within message.timeout.ms; the margin only guards
  // against a report that never comes.
  std::unique_lock lock(delivery->mutex);
  if (!delivery->reported.wait_for(lock, impl_->options.delivery_timeout + std::chrono::seconds(5),
                                   [&] { return delivery->done; })) {
    return failed(Error::timeout("kafka: no delivery report for a message to " + topic));
  }
  if (delivery->error != RdKafka::ERR_NO_ERROR) return failed(publish_error(delivery->error, topic, impl_->options));
  return Status::success();
}

std::unique_ptr<Subscription> KafkaBus::subscribe(const std::string& topic, const std::string& group, Handler handler) {
  return std::make_unique<KafkaSubscription>(impl_->options, topic, group, std::move(handler));
}

Status KafkaBus::check() {
  std::string fatal;
  if (impl_->producer->fatal_error(fatal) != RdKafka::ERR_NO_ERROR) {
    return Error::internal("kafka: the producer hit a fatal error (" + fatal + "); restart the service");
  }
  RdKafka::Metadata* raw = nullptr;
  RdKafka::ErrorCode code =
      impl_->producer->metadata(false, nullptr, &raw, static_cast<int>(impl_->options.check_timeout.count()));
  std::unique_ptr<RdKafka::Metadata> metadata(raw);
  if (code != RdKafka::ERR_NO_ERROR) {
    return Error::unavailable("kafka: no answer from " + impl_->options.bootstrap_servers + " within " +
                              millis(impl_->options.check_timeout) + " ms (" + RdKafka::err2str(code) +
                              "); is the broker up?");
  }
  return Status::success();
}

}  // namespace chatdb::bus
