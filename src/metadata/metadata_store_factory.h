#pragma once

#include "metadata/metadata_store.h"

#include <memory>
#include <string>

namespace chatdb::metadata {

/// The one place a metadata backend is chosen, by the scheme of DATABASE_URL:
/// sqlite://PATH (relative, or sqlite:///absolute) or postgresql:// (postgres://).
/// An unknown scheme or an unopenable SQLite file is an invalid-argument error.
Result<std::unique_ptr<MetadataStore>> make_metadata_store(const std::string& url);

}  // namespace chatdb::metadata
