#include "metadata/metadata_store_factory.h"

#include "metadata/postgres_store.h"
#include "metadata/sqlite_store.h"

#include <stdexcept>

namespace chatdb::metadata {

Result<std::unique_ptr<MetadataStore>> make_metadata_store(const std::string& url) {
  if (url.rfind("sqlite://", 0) == 0) {
    std::string path = url.substr(9);
    if (path.empty()) return Error::invalid("DATABASE_URL sqlite:// needs a path, such as sqlite://.chatdb/chatdb.db");
    try {
      return std::unique_ptr<MetadataStore>(std::make_unique<SqliteStore>(path));
    } catch (const std::exception& e) {
      return Error::invalid(e.what());
    }
  }
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    return std::unique_ptr<MetadataStore>(std::make_unique<PostgresStore>(url));
  }
  return Error::invalid("DATABASE_URL '" + url + "' is not supported: use sqlite://PATH or postgresql://...");
}

}  // namespace chatdb::metadata
