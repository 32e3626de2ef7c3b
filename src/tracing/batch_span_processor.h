#pragma once

#include "common/error.h"
#include "tracing/span.h"

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace chatdb::tracing {

struct BatchOptions {
  std::size_t max_queue_size = 2048;        // OTEL_BSP_MAX_QUEUE_SIZE
  std::size_t max_export_batch_size = 512;  // OTEL_BSP_MAX_EXPORT_BATCH_SIZE
  std::chrono::milliseconds schedule_delay{5000};  // OTEL_BSP_SCHEDULE_DELAY
};

/// Sends one batch; an error means the batch is lost (it is counted, never retried).
using ExportFn = std::function<Status(const std::vector<SpanData>&)>;

/// Queues finished spans and exports them in batches from a thread of its own, every
/// schedule delay or as soon as a batch is full. submit() never waits for an export: when the
/// queue is full the span is dropped, and a batch the exporter fails on (collector down or
/// slow) is dropped too; both are counted per service. Thread-safe.
class BatchSpanProcessor {
 public:
  BatchSpanProcessor(BatchOptions options, ExportFn exporter);
  /// Exports what is queued once more, then stops.
  ~BatchSpanProcessor();
  BatchSpanProcessor(const BatchSpanProcessor&) = delete;
  BatchSpanProcessor& operator=(const BatchSpanProcessor&) = delete;

  void submit(SpanData span);
  std::int64_t dropped(const std::string& service) const;
  std::int64_t exported(const std::string& service) const;

 private:
  void run();
  void count(std::map<std::string, std::int64_t>& counts, const std::vector<SpanData>& spans);

  const BatchOptions options_;
  const ExportFn exporter_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<SpanData> queue_;
  std::map<std::string, std::int64_t> dropped_, exported_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace chatdb::tracing
