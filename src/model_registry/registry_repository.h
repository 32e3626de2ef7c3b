#pragma once

#include "common/error.h"
#include "metadata/metadata_store.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace chatdb::model_registry {

using Tags = std::map<std::string, std::string>;

/// The statuses a client sees. A version starts PENDING and becomes READY (its artifact is
/// stored) or FAILED, once; then it never changes again.
inline constexpr const char* kPending = "PENDING";
inline constexpr const char* kReady = "READY";
inline constexpr const char* kFailed = "FAILED";

/// One version of a registered model, with its aliases and tags.
struct ModelVersion {
  std::string model_name;
  std::int64_t version = 0;
  std::string status;
  std::string status_message;
  std::optional<std::string> job_id;
  std::optional<std::string> artifact_sha256;  // set once READY
  std::optional<std::int64_t> artifact_size;   // set once READY
  nlohmann::json metadata = nlohmann::json::object();
  std::int64_t created_at = 0;  // Unix milliseconds
  std::int64_t updated_at = 0;
  std::vector<std::string> aliases;
  Tags tags;
};

/// A registered model with its tags, aliases and the newest version of each status.
struct RegisteredModel {
  std::string name;
  std::string description;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
  Tags tags;
  std::map<std::string, std::int64_t> aliases;
  std::vector<ModelVersion> latest_versions;  // newest first
};

/// The outcome of registering a version: `created` is false when the job had registered it.
struct Registration {
  ModelVersion version;
  bool created = false;
};

/// A search over models. Empty strings mean "no filter"; `tag_value` unset matches any value.
struct ModelQuery {
  std::string name_contains;  // case-insensitive substring of the name
  std::string tag_key;
  std::optional<std::string> tag_value;
  std::int64_t max_results = 100;
  std::string page_token;  // from a previous page's next_page_token
};

/// A search over versions of every model, in (model name, version) order.
struct VersionQuery {
  std::string name;  // exact model name
  std::string status;
  std::string job_id;
  std::int64_t max_results = 100;
  std::string page_token;
};

template <class T>
struct Page {
  std::vector<T> items;
  std::string next_page_token;  // empty on the last page
};

/// The registry's rows in the metadata store (registered_models, model_versions, model_aliases,
/// model_tags): every read and write the model registry makes, each in one transaction, with
/// the same SQL on SQLite and PostgreSQL.
///
/// Versions are numbered 1, 2, ... per model, also when several processes register at once
/// (MAX + 1, retried when another writer took the number). A deleted version stays as a hidden
/// tombstone, so its number is never given out again and its job stays registered once.
/// Deleting is two-phase so that the caller can remove the artifact in between: `begin_*`
/// marks versions DELETING (hidden from every read), `finish_*` turns them into tombstones;
/// calling `begin_*` again resumes a deletion that was interrupted.
///
/// Errors: kNotFound for an unknown model, version, alias or tag; kConflict when the state
/// forbids the change (a version that is no longer PENDING, a name that exists); kInvalidArgument
/// for a bad page token; the store's kUnavailable as it came. Thread-safe.
class RegistryRepository {
 public:
  explicit RegistryRepository(std::shared_ptr<metadata::MetadataStore> store);

  /// Creates a model; kConflict when the name is taken.
  Result<RegisteredModel> create_model(const std::string& name, const std::string& description, const Tags& tags);
  Result<RegisteredModel> get_model(const std::string& name);
  Result<Page<RegisteredModel>> search_models(const ModelQuery& query);

  /// Registers a new PENDING version, creating the model when missing. With a job id that
  /// already registered a version of this model, returns that version (created = false);
  /// kConflict when the job registered another model's version, or one since deleted.
  Result<Registration> register_version(const std::string& name, const std::optional<std::string>& job_id,
                                        const nlohmann::json& metadata);
  Result<ModelVersion> get_version(const std::string& name, std::int64_t version);
  /// The newest READY version; kNotFound when the model has none.
  Result<ModelVersion> latest_ready_version(const std::string& name);
  /// The versions of one model; kNotFound when the model does not exist.
  Result<Page<ModelVersion>> list_versions(const std::string& name, std::int64_t max_results, const std::string& page_token);
  Result<Page<ModelVersion>> search_versions(const VersionQuery& query);

  /// Succeeds when the version exists and is PENDING: kConflict otherwise.
  Status require_pending(const std::string& name, std::int64_t version);
  /// PENDING -> READY with the artifact's digest and size; kConflict when not PENDING.
  Result<ModelVersion> mark_ready(const std::string& name, std::int64_t version, const std::string& sha256,
                                  std::int64_t size);
  /// PENDING -> FAILED with a message; kConflict when not PENDING.
  Result<ModelVersion> mark_failed(const std::string& name, std::int64_t version, const std::string& message);

  /// Marks the version DELETING and drops its aliases and tags; returns its artifact digest,
  /// if any. Also accepts a version left DELETING by an interrupted deletion.
  Result<std::optional<std::string>> begin_version_delete(const std::string& name, std::int64_t version);
  /// Turns a DELETING version into a tombstone.
  Status finish_version_delete(const std::string& name, std::int64_t version);
  /// Marks every version of the model DELETING and drops all its aliases and tags; returns
  /// the distinct artifact digests of its versions.
  Result<std::vector<std::string>> begin_model_delete(const std::string& name);
  /// Deletes the model and every row of it.
  Status finish_model_delete(const std::string& name);
  /// Whether a live (PENDING, READY or FAILED) version references the digest.
  Result<bool> digest_referenced(const std::string& sha256);
  /// Whether a version that references the digest is being deleted right now.
  Result<bool> digest_being_deleted(const std::string& sha256);

  /// Points the alias at a READY version (moving it if set); returns that version.
  Result<ModelVersion> set_alias(const std::string& name, const std::string& alias, std::int64_t version);
  Result<ModelVersion> resolve_alias(const std::string& name, const std::string& alias);
  Status delete_alias(const std::string& name, const std::string& alias);

  Status set_model_tag(const std::string& name, const std::string& key, const std::string& value);
  Status delete_model_tag(const std::string& name, const std::string& key);
  Status set_version_tag(const std::string& name, std::int64_t version, const std::string& key, const std::string& value);
  Status delete_version_tag(const std::string& name, std::int64_t version, const std::string& key);

  /// Reachability of the metadata store, for /ready.
  Status check();

 private:
  std::shared_ptr<metadata::MetadataStore> store_;
};

}  // namespace chatdb::model_registry
