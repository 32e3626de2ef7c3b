#include "artifacts/artifact_store_factory.h"

#include "artifacts/local_artifact_store.h"
#include "artifacts/s3_artifact_store.h"
#include "common/logger.h"

#include <nlohmann/json.hpp>

#include <filesystem>

namespace chatdb::artifacts {

Result<std::unique_ptr<ArtifactStore>> make_artifact_store(const Config& config) {
  if (!config.s3_endpoint.empty()) {
    S3Options options;
    options.endpoint = config.s3_endpoint;
    options.bucket = config.s3_bucket;
    options.access_key_id = config.aws_access_key_id;
    options.secret_access_key = config.aws_secret_access_key;
    auto store = S3ArtifactStore::open(std::move(options));
    if (!store.ok()) return store.error();
    Logger::info("artifact store", {{"url", "s3://" + config.s3_bucket}, {"endpoint", config.s3_endpoint}});
    return std::unique_ptr<ArtifactStore>(std::move(store).value());
  }
  const std::filesystem::path root = std::filesystem::path(config.data_dir) / "artifacts";
  auto store = LocalArtifactStore::open(root);
  if (!store.ok()) return store.error();
  Logger::info("artifact store", {{"url", "file://" + root.string()}});
  return std::unique_ptr<ArtifactStore>(std::move(store).value());
}

}  // namespace chatdb::artifacts
