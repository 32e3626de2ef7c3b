#include "model_registry/version_artifacts.h"

#include "artifacts/sha256.h"
#include "common/logger.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <thread>
#include <utility>

namespace chatdb::model_registry {
namespace {

artifacts::Reader reader_of(std::string_view bytes) {
  return [bytes, offset = std::size_t{0}](char* buffer, std::size_t capacity) mutable -> Result<std::size_t> {
    std::size_t n = std::min(capacity, bytes.size() - offset);
    std::memcpy(buffer, bytes.data() + offset, n);
    offset += n;
    return n;
  };
}

}  // namespace

VersionArtifacts::VersionArtifacts(std::shared_ptr<RegistryRepository> repository,
                                   std::shared_ptr<artifacts::ArtifactStore> store, std::chrono::milliseconds deletion_wait)
    : repository_(std::move(repository)), store_(std::move(store)), deletion_wait_(deletion_wait) {}

Status VersionArtifacts::check() {
  // A key no object has: answers false cheaply, or the store's error when it is down.
  auto probe = store_->exists("registry-readiness-probe");
  if (!probe.ok()) return probe.error();
  return Status::success();
}

Result<ModelVersion> VersionArtifacts::upload(const std::string& name, std::int64_t version, std::string_view bytes) {
  if (bytes.empty()) return Error::invalid("the artifact is empty: send the model file's bytes as the request body");
  // Refuse early, before writing an object nobody will reference.
  if (Status pending = repository_->require_pending(name, version); !pending.ok()) return pending.error();
  const std::string sha256 = artifacts::Sha256::of(bytes);
  auto stored = store_->put(key_of(sha256), reader_of(bytes));
  if (!stored.ok()) return stored.error();
  auto ready = repository_->mark_ready(name, version, sha256, static_cast<std::int64_t>(bytes.size()));
  if (!ready.ok()) {
    // The object may now be unreferenced. Removing it here could race an upload of the same
    // bytes to another version, so it is left in place: a leak, never a loss.
    Logger::warn("artifact left unreferenced", {{"model", name}, {"version", version}, {"sha256", sha256},
                                                {"error", ready.error().message}});
    return ready.error();
  }
  if (Status kept = ensure_stored(sha256, bytes); !kept.ok()) {
    // The version is READY and its object was just written: report that truthfully. Only a
    // deletion racing this upload could have removed the object, and a download would say so.
    Logger::error("artifact presence unconfirmed", {{"model", name}, {"version", version}, {"sha256", sha256},
                                                    {"error", kept.error().message}});
  }
  return ready;
}

// Called once a READY version references `sha256`: from then on no new deletion removes the
// object, but one that counted references before could still be about to. Such a deletion's
// versions are DELETING until it has removed the object, so wait for them, then put it back
// if it is gone.
Status VersionArtifacts::ensure_stored(const std::string& sha256, std::string_view bytes) {
  auto deadline = std::chrono::steady_clock::now() + deletion_wait_;
  for (;;) {
    auto deleting = repository_->digest_being_deleted(sha256);
    if (!deleting.ok()) return deleting.error();
    if (!*deleting) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      // A deleter that died leaves its versions DELETING until someone deletes them again;
      // waiting longer would stall this upload for nothing. (A live deleter slower than this
      // wait between counting and removing could still remove the object.)
      Logger::warn("artifact deletion still pending", {{"sha256", sha256}});
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  auto present = store_->exists(key_of(sha256));
  if (!present.ok()) return present.error();
  if (*present) return Status::success();
  auto stored = store_->put(key_of(sha256), reader_of(bytes));
  if (!stored.ok()) return stored.error();
  return Status::success();
}

Result<VerifiedArtifact> VersionArtifacts::download(const ModelVersion& version) {
  if (version.status != kReady || !version.artifact_sha256) {
    std::string detail = version.status == kFailed ? " (it failed: " + version.status_message + ")" : "";
    return Error::conflict("version " + std::to_string(version.version) + " of registered model '" + version.model_name +
                           "' is " + version.status + detail + ": only READY versions have an artifact");
  }
  VerifiedArtifact out;
  out.sha256 = *version.artifact_sha256;
  out.bytes.reserve(static_cast<std::size_t>(version.artifact_size.value_or(0)));
  auto got = store_->get(
      key_of(out.sha256),
      [&out](std::string_view chunk) -> Status {
        out.bytes.append(chunk);
        return Status::success();
      },
      out.sha256);
  if (!got.ok()) {
    if (got.error().code == ErrorCode::kNotFound) {
      return Error::internal("artifact missing: the object " + key_of(out.sha256) + " of version " +
                             std::to_string(version.version) + " of registered model '" + version.model_name +
                             "' is not in the artifact store; restore it from a backup or register a new version");
    }
    return got.error();
  }
  return out;
}

// Removes the object of `sha256` when no live version references it; true when removed.
Result<bool> VersionArtifacts::collect(const std::string& sha256) {
  auto referenced = repository_->digest_referenced(sha256);
  if (!referenced.ok()) return referenced.error();
  if (*referenced) return false;
  if (Status removed = store_->remove(key_of(sha256)); !removed.ok()) return removed.error();
  return true;
}

Result<int> VersionArtifacts::delete_version(const std::string& name, std::int64_t version) {
  auto digest = repository_->begin_version_delete(name, version);
  if (!digest.ok()) return digest.error();
  int removed = 0;
  if (*digest) {
    auto collected = collect(**digest);
    if (!collected.ok()) return collected.error();
    removed += *collected ? 1 : 0;
  }
  if (Status finished = repository_->finish_version_delete(name, version); !finished.ok()) return finished.error();
  return removed;
}

Result<int> VersionArtifacts::delete_model(const std::string& name) {
  auto digests = repository_->begin_model_delete(name);
  if (!digests.ok()) return digests.error();
  int removed = 0;
  for (const auto& sha256 : *digests) {
    auto collected = collect(sha256);
    if (!collected.ok()) return collected.error();
    removed += *collected ? 1 : 0;
  }
  if (Status finished = repository_->finish_model_delete(name); !finished.ok()) return finished.error();
  return removed;
}

}  // namespace chatdb::model_registry
