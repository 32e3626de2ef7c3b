#include "ml_engine/prediction_audit.h"

#include "common/logger.h"
#include "common/time.h"

#include <nlohmann/json.hpp>

namespace chatdb::ml_engine {

PredictionAudit::PredictionAudit(std::shared_ptr<bus::MessageBus> bus, std::string topic, std::size_t capacity)
    : bus_(std::move(bus)), topic_(std::move(topic)), capacity_(capacity), thread_([this] { run(); }) {}

PredictionAudit::~PredictionAudit() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void PredictionAudit::record(const std::string& request_id, const std::string& model, std::int64_t version, std::size_t count) {
  nlohmann::json record = {{"request_id", request_id}, {"model", model}, {"version", version}, {"count", count}, {"at", unix_millis()}};
  std::string payload = record.dump();
  std::lock_guard lock(mutex_);
  if (queue_.size() >= capacity_) {
    dropped_.fetch_add(1);
    return;
  }
  queue_.emplace_back(model, std::move(payload));
  // The publisher is woken by the first record of a batch (and hurried by a filling queue),
  // not by every record: a futex wake and a context switch per prediction cost more than
  // the prediction of a row.
  if (queue_.size() == 1 || queue_.size() == kWakeAt) wake_.notify_one();
}

void PredictionAudit::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and everything is out
    // Let the batch gather, then publish all of it.
    wake_.wait_for(lock, kFlushInterval, [this] { return stopping_ || queue_.size() >= kWakeAt; });
    while (!queue_.empty()) {
      auto [key, payload] = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      Status s = bus_->publish(topic_, key, payload);
      if (!s) s = bus_->publish(topic_, key, payload);
      if (s) {
        published_.fetch_add(1);
      } else {
        dropped_.fetch_add(1);
        Logger::warn("prediction record dropped", {{"topic", topic_}, {"error", s.error().message}});
      }
      lock.lock();
    }
  }
}

}  // namespace chatdb::ml_engine
