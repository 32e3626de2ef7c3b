#pragma once

#include "metadata/metadata_store.h"

#include <chrono>
#include <memory>
#include <string>

namespace chatdb::metadata {

/// MetadataStore on PostgreSQL through libpq: a pool of connections, each statement prepared
/// once per connection. Connections that break (the server restarted or went away) are
/// dropped and replaced on a later call, so the store recovers without a restart.
class PostgresStore : public MetadataStore {
 public:
  /// `url` is postgresql://user:password@host:port/db. Connects lazily: construction never
  /// fails on an unreachable server.
  explicit PostgresStore(std::string url, std::size_t max_idle = 8,
                         std::chrono::seconds connect_timeout = std::chrono::seconds(3));
  ~PostgresStore() override;

  Status transact(const std::function<Status(Transaction&)>& work) override;
  Status check() override;
  Dialect dialect() const override { return Dialect::kPostgres; }

 private:
  Status transact_untraced(const std::function<Status(Transaction&)>& work);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace chatdb::metadata
