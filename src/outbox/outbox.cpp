#include "outbox/outbox.h"

#include "common/time.h"
#include "tracing/span.h"

namespace chatdb::outbox {

Status append(metadata::Transaction& tx, const std::string& topic, const std::string& key, const std::string& payload) {
  metadata::Value traceparent = nullptr, tracestate = nullptr;
  if (const auto* trace = tracing::current(); trace && trace->context.valid()) {
    traceparent = trace->context.traceparent();
    if (!trace->context.tracestate.empty()) tracestate = trace->context.tracestate;
  }
  auto r = tx.execute(
      "INSERT INTO outbox (topic, message_key, payload, created_at, traceparent, tracestate) VALUES ($1, $2, $3, $4, $5, $6)",
      {topic, key, payload, unix_millis(), traceparent, tracestate});
  if (!r.ok()) return r.error();
  return Status::success();
}

Result<std::int64_t> pending(metadata::MetadataStore& store) {
  std::int64_t count = 0;
  Status st = store.transact([&](metadata::Transaction& tx) -> Status {
    auto r = tx.query("SELECT COUNT(*) FROM outbox WHERE published_at IS NULL");
    if (!r.ok()) return r.error();
    count = metadata::as_int(r->rows.at(0).at(0));
    return Status::success();
  });
  if (!st.ok()) return st.error();
  return count;
}

}  // namespace chatdb::outbox
