#pragma once

#include "metadata/metadata_store.h"

#include <string>

namespace chatdb::outbox {

/// Records an event to publish, inside the caller's transaction: the event exists exactly
/// when the state change that caused it commits. OutboxRelay publishes it later, in order,
/// in the trace that is current on this thread now (stored with the event).
Status append(metadata::Transaction& tx, const std::string& topic, const std::string& key, const std::string& payload);

/// Events not yet published.
Result<std::int64_t> pending(metadata::MetadataStore& store);

}  // namespace chatdb::outbox
