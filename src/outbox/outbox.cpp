#include "outbox/outbox.h"

#include "common/time.h"

namespace chatdb::outbox {

Status append(metadata::Transaction& tx, const std::string& topic, const std::string& key, const std::string& payload) {
  auto r = tx.execute("INSERT INTO outbox (topic, message_key, payload, created_at) VALUES ($1, $2, $3, $4)",
                      {topic, key, payload, unix_millis()});
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
