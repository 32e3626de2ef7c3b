#include "tracing/batch_span_processor.h"

#include "common/logger.h"

#include <nlohmann/json.hpp>

namespace chatdb::tracing {

BatchSpanProcessor::BatchSpanProcessor(BatchOptions options, ExportFn exporter)
    : options_(options), exporter_(std::move(exporter)) {
  thread_ = std::thread([this] { run(); });
}

BatchSpanProcessor::~BatchSpanProcessor() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void BatchSpanProcessor::submit(SpanData span) {
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || queue_.size() >= options_.max_queue_size) {
      ++dropped_[span.service];
      return;
    }
    queue_.push_back(std::move(span));
    wake = queue_.size() == options_.max_export_batch_size;
  }
  if (wake) wake_.notify_all();
}

std::int64_t BatchSpanProcessor::dropped(const std::string& service) const {
  std::lock_guard lock(mutex_);
  auto it = dropped_.find(service);
  return it == dropped_.end() ? 0 : it->second;
}

std::int64_t BatchSpanProcessor::exported(const std::string& service) const {
  std::lock_guard lock(mutex_);
  auto it = exported_.find(service);
  return it == exported_.end() ? 0 : it->second;
}

void BatchSpanProcessor::count(std::map<std::string, std::int64_t>& counts, const std::vector<SpanData>& spans) {
  std::lock_guard lock(mutex_);
  for (const auto& s : spans) ++counts[s.service];
}

void BatchSpanProcessor::run() {
  bool warned = false;
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait_for(lock, options_.schedule_delay,
                   [this] { return stopping_ || queue_.size() >= options_.max_export_batch_size; });
    bool last = stopping_;
    // On stop, what is queued goes in one more round of batches, then the thread ends.
    while (!queue_.empty()) {
      std::vector<SpanData> batch;
      while (!queue_.empty() && batch.size() < options_.max_export_batch_size) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      lock.unlock();
      Status sent = exporter_(batch);
      if (sent.ok()) {
        count(exported_, batch);
        if (warned) Logger::info("tracing: the collector accepts spans again", nlohmann::json::object());
        warned = false;
      } else {
        count(dropped_, batch);
        // Once per outage, not once per batch.
        if (!warned) Logger::warn("tracing: spans dropped; the collector did not take them", {{"error", sent.error().message}});
        warned = true;
      }
      lock.lock();
      if (!last && queue_.size() < options_.max_export_batch_size) break;
    }
    if (last) return;
  }
}

}  // namespace chatdb::tracing
