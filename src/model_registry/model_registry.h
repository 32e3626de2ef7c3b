#pragma once

#include "artifacts/artifact_store.h"
#include "metadata/metadata_store.h"
#include "model_registry/model_changes.h"
#include "model_registry/registry_repository.h"
#include "model_registry/version_artifacts.h"
#include "runtime/service.h"

#include <memory>
#include <optional>
#include <string>

namespace chatdb::model_registry {

/// Keeps registered models, immutable versions, aliases and their artifacts: the REST API of
/// the model registry (README "Model registry API"), shaped like MLflow's but resource-oriented,
/// over RegistryRepository (rows) and VersionArtifacts (objects). Every input is validated
/// strictly (400 with a message that names the field); a store that is down gives 503 with
/// Retry-After. Ready when the metadata store and the artifact store answer. Thread-safe.
class ModelRegistry : public runtime::Service {
 public:
  /// The largest artifact one upload may carry.
  static constexpr std::size_t kMaxArtifactBytes = std::size_t{512} << 20;

  /// The metadata store must already carry the registry's schema (SchemaMigrator). Changes of
  /// what a model reference resolves to are published on `bus` (ModelChanges), when given.
  ModelRegistry(std::shared_ptr<metadata::MetadataStore> metadata, std::shared_ptr<artifacts::ArtifactStore> artifacts,
                std::shared_ptr<bus::MessageBus> bus = nullptr, std::string changes_topic = "model_events");

  static constexpr std::string_view kName = "model-registry";

  std::string name() const override { return std::string(kName); }
  std::string summary() const override;
  void register_metrics(http::MetricsRegistry& registry) override;
  void mount(http::Router& router) override;
  nlohmann::json describe() const override;
  std::vector<runtime::Check> check_dependencies() override;

 private:
  http::Response create_model(const http::Request& request);
  http::Response search_models(const http::Request& request);
  http::Response get_model(const http::Request& request);
  http::Response delete_model(const http::Request& request);
  http::Response register_version(const http::Request& request);
  http::Response list_versions(const http::Request& request);
  http::Response search_versions(const http::Request& request);
  http::Response get_version(const http::Request& request);
  http::Response delete_version(const http::Request& request);
  /// Before an upload's body is read: 409 unless the version is PENDING (and 400/404 for a bad
  /// path), so that a refused upload is never buffered.
  std::optional<http::Response> refuse_upload(const http::Request& request);
  http::Response upload_artifact(const http::Request& request);
  http::Response download_artifact(const http::Request& request);
  http::Response fail_version(const http::Request& request);
  http::Response set_alias(const http::Request& request);
  http::Response get_alias(const http::Request& request);
  http::Response delete_alias(const http::Request& request);
  http::Response set_model_tag(const http::Request& request);
  http::Response delete_model_tag(const http::Request& request);
  http::Response set_version_tag(const http::Request& request);
  http::Response delete_version_tag(const http::Request& request);

  std::shared_ptr<RegistryRepository> repository_;
  std::shared_ptr<VersionArtifacts> artifacts_;
  ModelChanges changes_;
  http::Counter* versions_registered_ = nullptr;
  http::Counter* bytes_uploaded_ = nullptr;
  http::Counter* bytes_downloaded_ = nullptr;
  http::Counter* objects_deleted_ = nullptr;
  http::Counter* verify_failures_ = nullptr;
};

}  // namespace chatdb::model_registry
