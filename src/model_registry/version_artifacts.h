#pragma once

#include "artifacts/artifact_store.h"
#include "model_registry/registry_repository.h"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace chatdb::model_registry {

/// An artifact read back and verified: its bytes and their SHA-256.
struct VerifiedArtifact {
  std::string bytes;
  std::string sha256;
};

/// The artifacts of model versions, content-addressed in an ArtifactStore under
/// `sha256/<digest>`: versions with identical bytes share one object, which is removed when
/// the last version that references it is deleted.
///
/// Deleting and uploading the same bytes at once, from any number of processes, never loses an
/// object a READY version references: a deletion marks its versions DELETING before it counts
/// the references, and an upload, once its version is READY, waits for such deletions of its
/// digest to finish and puts the object again if one removed it.
///
/// Errors: those of RegistryRepository; kInvalidArgument for an empty artifact; kConflict to
/// download a version that is not READY; kInternal "artifact corrupted" when the stored bytes
/// do not match the recorded digest (and kInternal when the object is missing); the artifact
/// store's kUnavailable as it came. An interrupted deletion is finished by deleting again.
/// Thread-safe.
class VersionArtifacts {
 public:
  VersionArtifacts(std::shared_ptr<RegistryRepository> repository, std::shared_ptr<artifacts::ArtifactStore> store,
                   std::chrono::milliseconds deletion_wait = std::chrono::seconds(10));

  /// Stores the bytes of a PENDING version and makes it READY; returns the version.
  Result<ModelVersion> upload(const std::string& name, std::int64_t version, std::string_view bytes);
  /// The bytes of a READY version, verified against its recorded digest.
  Result<VerifiedArtifact> download(const ModelVersion& version);
  /// Deletes the version and its artifact object unless another version references it;
  /// returns the number of objects removed (0 or 1).
  Result<int> delete_version(const std::string& name, std::int64_t version);
  /// Deletes the model, its versions, and the objects no other model references; returns the
  /// number of objects removed.
  Result<int> delete_model(const std::string& name);

  /// The object key of a digest.
  static std::string key_of(const std::string& sha256) { return "sha256/" + sha256; }

  /// Reachability of the artifact store, for /ready.
  Status check();

 private:
  Status ensure_stored(const std::string& sha256, std::string_view bytes);
  Result<bool> collect(const std::string& sha256);

  std::shared_ptr<RegistryRepository> repository_;
  std::shared_ptr<artifacts::ArtifactStore> store_;
  std::chrono::milliseconds deletion_wait_;
};

}  // namespace chatdb::model_registry
