#include "outbox/outbox_relay.h"

#include "common/logger.h"
#include "common/time.h"
#include "tracing/span.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <optional>

namespace chatdb::outbox {

OutboxRelay::OutboxRelay(metadata::MetadataStore& store, bus::MessageBus& bus, RelayOptions options)
    : store_(store), bus_(bus), options_(options), backoff_(options.initial_backoff), worker_([this] { return step(); }) {}

OutboxRelay::~OutboxRelay() { stop(); }

void OutboxRelay::start() { worker_.start(); }
void OutboxRelay::stop() { worker_.stop(); }
void OutboxRelay::notify() { worker_.wake(); }

Result<int> OutboxRelay::publish_pending() {
  int total = 0;
  while (true) {
    metadata::Rows batch;
    Status read = store_.transact([&](metadata::Transaction& tx) -> Status {
      auto r = tx.query(
          "SELECT id, topic, message_key, payload, traceparent, tracestate FROM outbox WHERE published_at IS NULL "
          "ORDER BY id LIMIT $1",
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
      auto trace = tracing::extract(metadata::as_text(row[4]), metadata::as_text(row[5]));
      std::optional<tracing::Scope> scope;
      if (trace) scope.emplace(*trace, options_.service);
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

PeriodicWorker::Pause OutboxRelay::step() {
  auto result = publish_pending();
  if (std::chrono::steady_clock::now() - last_cleanup_ > std::chrono::minutes(5)) delete_old_published();
  if (result.ok()) {
    backoff_ = options_.initial_backoff;
    return {options_.poll_interval};
  }
  Logger::warn("outbox relay: publish failed; retrying",
               {{"error", result.error().message}, {"backoff_ms", backoff_.count()}});
  // Sleep through notify(): new commits must not turn the backoff into a spin.
  PeriodicWorker::Pause pause{backoff_, false};
  backoff_ = std::min(backoff_ * 2, options_.max_backoff);
  return pause;
}

void OutboxRelay::delete_old_published() {
  last_cleanup_ = std::chrono::steady_clock::now();
  std::int64_t cutoff = unix_millis() - std::chrono::duration_cast<std::chrono::milliseconds>(options_.retention).count();
  Status st = store_.transact([&](metadata::Transaction& tx) -> Status {
    auto r = tx.execute("DELETE FROM outbox WHERE published_at IS NOT NULL AND published_at < $1", {cutoff});
    if (!r.ok()) return r.error();
    return Status::success();
  });
  if (!st.ok()) Logger::warn("outbox relay: cannot delete old published events", {{"error", st.error().message}});
}

}  // namespace chatdb::outbox
