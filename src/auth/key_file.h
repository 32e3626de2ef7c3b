#pragma once

#include "auth/scope.h"
#include "common/error.h"

#include <filesystem>
#include <string>
#include <vector>

namespace chatdb::auth {

/// One API key as the keys file stores it: never the token, only its SHA-256.
struct ApiKey {
  std::string name;
  std::string sha256;  // token_hash() of the token
  std::vector<Scope> scopes;
  std::string created;  // ISO 8601 UTC

  /// True when one of the key's scopes is `needed` or implies it.
  bool grants(Scope needed) const;
};

/// The keys file: JSON {"keys": [{"name", "sha256", "scopes", "created"}]}, mode 0600, replaced
/// atomically (a temporary file beside it, then rename) so a reader never sees half of it.
/// Changes hold a lock (PATH.lock) so that concurrent ones cannot lose each other's keys.
class KeyFile {
 public:
  explicit KeyFile(std::filesystem::path path);

  const std::filesystem::path& path() const { return path_; }

  /// Every key; none when the file does not exist. A malformed file is an error naming it.
  Result<std::vector<ApiKey>> read() const;
  /// Adds a key named `name` (letters, digits, '.', '_', '-'; unique) with a new random token
  /// and returns that token, which is stored nowhere.
  Result<std::string> create(const std::string& name, std::vector<Scope> scopes) const;
  /// Removes the key named `name`; not_found when there is none.
  Status revoke(const std::string& name) const;

 private:
  Status write(const std::vector<ApiKey>& keys) const;

  std::filesystem::path path_;
};

}  // namespace chatdb::auth
