#pragma once

#include "artifacts/artifact_store.h"

#include <filesystem>
#include <memory>

namespace chatdb::artifacts {

/// Artifacts as files under a root directory (file:// URLs): the object `a/b` is the file
/// ROOT/objects/a/b. A put writes ROOT/tmp/<random>, fsyncs it and renames it into place, so
/// readers see the old object or the new one whole, also across processes sharing ROOT and
/// across a crash. File-system failures (permissions, a full disk) are kUnavailable, not retryable.
/// Unlike S3, a key cannot also be the directory of another (`a` and `a/b`): kConflict.
/// Thread-safe.
class LocalArtifactStore final : public ArtifactStore {
 public:
  /// Creates ROOT/objects and ROOT/tmp when missing and deletes temporary files that crashed
  /// puts left behind over an hour ago; kUnavailable naming the directory when that fails.
  static Result<std::unique_ptr<LocalArtifactStore>> open(const std::filesystem::path& root);

  /// The file that holds `key` (a valid key).
  std::filesystem::path path_of(const std::string& key) const;

 protected:
  Status do_put(const std::string& key, const Reader& reader) override;
  Status do_get(const std::string& key, const Writer& writer) override;
  Result<bool> do_exists(const std::string& key) override;
  Status do_remove(const std::string& key) override;
  Result<std::vector<ObjectEntry>> do_list(const std::string& prefix) override;

 private:
  explicit LocalArtifactStore(std::filesystem::path root);
  Error failure(const std::string& what, const std::filesystem::path& path, int error_number) const;

  std::filesystem::path root_;
  std::filesystem::path objects_;
  std::filesystem::path tmp_;
};

}  // namespace chatdb::artifacts
