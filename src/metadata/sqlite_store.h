#pragma once

#include "metadata/metadata_store.h"

#include <memory>
#include <string>

namespace chatdb::metadata {

/// MetadataStore on a SQLite file in WAL mode: the embedded default. Transactions start with
/// BEGIN IMMEDIATE, so writers queue on the busy timeout instead of failing mid-transaction.
class SqliteStore : public MetadataStore {
 public:
  /// Opens (creating) the file at `path`, creating its directory. Throws std::runtime_error
  /// when it cannot: this happens at start-up only.
  explicit SqliteStore(const std::string& path);
  ~SqliteStore() override;

  Status transact(const std::function<Status(Transaction&)>& work) override;
  Status check() override;
  Dialect dialect() const override { return Dialect::kSqlite; }

 private:
  Status transact_untraced(const std::function<Status(Transaction&)>& work);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace chatdb::metadata
