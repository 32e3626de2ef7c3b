#pragma once

#include "metadata/metadata_store.h"

#include <chrono>

namespace chatdb::metadata {

/// Applies the versioned schema migrations that a store lacks, each in its own transaction
/// with its version recorded in schema_migrations. Safe to run twice and from several
/// processes at once: PostgreSQL serializes them on an advisory lock, SQLite on its write
/// lock. Both backends end with the same logical schema: training jobs, the outbox,
/// registered models, model versions, aliases, tags and idempotency keys.
class SchemaMigrator {
 public:
  /// Returns the number of migrations applied by this call.
  static Result<int> migrate(MetadataStore& store);
  /// migrate(), retried every 2 s while the store is unreachable (a pod beside its PostgreSQL
  /// that is still starting) for at most `patience`; logs what it applied.
  static Result<int> migrate_when_reachable(MetadataStore& store, std::chrono::seconds patience);
  /// The newest schema version this build knows.
  static int latest_version();
};

}  // namespace chatdb::metadata
