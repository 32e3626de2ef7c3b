#pragma once

#include "common/error.h"
#include "http/client.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <string>

namespace chatdb::ml_engine {

/// A model version as the registry describes it.
struct VersionInfo {
  std::string name;
  std::int64_t version = 0;
  std::string status;           // PENDING | READY | FAILED
  std::string artifact_sha256;  // empty until READY
  nlohmann::json metadata;
};

/// The model registry's REST API, as far as the engine uses it. Errors follow call_status():
/// kUnavailable (retryable) when the registry cannot be reached or fails, kNotFound for an
/// unknown model, version or alias, kInvalidArgument / kConflict when it refuses. Thread-safe.
class RegistryClient {
 public:
  RegistryClient(std::string base_url, std::shared_ptr<http::Client> client);

  /// POST /registered-models/{name}/versions: a new PENDING version, or the one already
  /// registered for `job_id` (the registry is idempotent by job id).
  Result<VersionInfo> register_version(const std::string& name, const std::string& job_id, const nlohmann::json& metadata);
  /// PUT .../versions/{version}/artifact: stores the bytes; the version becomes READY.
  Result<VersionInfo> upload_artifact(const std::string& name, std::int64_t version, const std::string& bytes);
  /// GET .../versions/{version}.
  Result<VersionInfo> version(const std::string& name, std::int64_t version);
  /// GET .../aliases/{alias}: the version the alias points at.
  Result<VersionInfo> alias(const std::string& name, const std::string& alias);
  /// GET .../versions/latest: the newest READY version.
  Result<VersionInfo> latest(const std::string& name);
  /// GET .../versions/{version}/artifact, checked against X-Artifact-Sha256 and the version's
  /// recorded digest; a mismatch is kUnavailable (a damaged transfer; retry).
  Result<std::string> artifact(const VersionInfo& version);
  /// GET /health.
  Status check();

 private:
  Result<VersionInfo> version_call(const std::string& name, std::string_view method, const std::string& url,
                                   std::string body = {});
  std::string model_path(const std::string& name) const;

  std::string base_url_;
  std::shared_ptr<http::Client> client_;
};

}  // namespace chatdb::ml_engine
