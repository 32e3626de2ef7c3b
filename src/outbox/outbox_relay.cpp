#include "outbox/outbox_relay.h"

#include "common/logger.h"
#include "common/time.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace chatdb::outbox {

OutboxRelay::OutboxRelay(metadata::MetadataStore& store, bus::MessageBus& bus, RelayOptions options)
    : store_(store), bus_(bus), options_(options) {}

OutboxRelay::~OutboxRelay() { stop(); }

void OutboxRelay::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { loop(); });
}

void OutboxRelay::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void OutboxRelay::notify() {
  {
    std::lock_guard lock(mutex_);
    notified_ = true;
  }
  wake_.notify_all();
}

Result<int> OutboxRelay::publish_pending() {
  int total = 0;
  while (true) {
    metadata::Rows batch;
    Status read = store_.transact([&](metadata::Transaction& tx) -> Status {
      auto r = tx.query(
          "SELECT id, topic, message_key, payload FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT $1",
          {std::int64_t{options_.batch_size}});
      if (!r.ok()) return r.error();
      batch = std::move(r.value());
      return Status::success();
    });
    if (!read.ok()) return read.error();
    if (batch.rows.empty()) return total;

    std::vector<std::int64_t> done;
    Status failure;
    for (const auto& row : batch.rows) {
      Status sent = bus_.publish(metadata::as_text(row[1]), metadata::as_text(row[2]), metadata::as_text(row[3]));
      if (!sent.ok()) {
        failure = sent;
        break;
      }
      done.push_back(metadata::as_int(row[0]));
    }
    if (!done.empty()) {
      Status marked = store_.transact([&](metadata::Transaction& tx) -> Status {
        std::int64_t now = unix_millis();
        for (auto id : done) {
          auto r = tx.execute("UPDATE outbox SET published_at = $1 WHERE id = $2", {now, id});
          if (!r.ok()) return r.error();
        }
        return Status::success();
      });
      if (!marked.ok()) return marked.error();  // published again next pass: at least once
      total += static_cast<int>(done.size());
      published_ += static_cast<std::int64_t>(done.size());
    }
    if (!failure.ok()) return failure.error();
  }
}

void OutboxRelay::loop() {
  auto backoff = options_.initial_backoff;
  auto last_cleanup = std::chrono::steady_clock::now();
  while (true) {
    auto result = publish_pending();
    std::chrono::milliseconds wait = options_.poll_interval;
    if (!result.ok()) {
      Logger::warn("outbox relay: publish failed; retrying", {{"error", result.error().message},
                                                               {"backoff_ms", backoff.count()}});
      wait = backoff;
      backoff = std::min(backoff * 2, options_.max_backoff);
    } else {
      backoff = options_.initial_backoff;
    }
    if (std::chrono::steady_clock::now() - last_cleanup > std::chrono::minutes(5)) {
      last_cleanup = std::chrono::steady_clock::now();
      std::int64_t cutoff = unix_millis() - std::chrono::duration_cast<std::chrono::milliseconds>(options_.retention).count();
      (void)store_.transact([&](metadata::Transaction& tx) -> Status {
        auto r = tx.execute("DELETE FROM outbox WHERE published_at IS NOT NULL AND published_at < $1", {cutoff});
        if (!r.ok()) return r.error();
        return Status::success();
      });
    }
    std::unique_lock lock(mutex_);
    // After a failure only stop() cuts the backoff short: a notify must not turn it into a spin.
    bool failed = !result.ok();
    wake_.wait_for(lock, wait, [&] { return stopping_ || (!failed && notified_); });
    if (stopping_) return;
    notified_ = false;
  }
}

}  // namespace chatdb::outbox
