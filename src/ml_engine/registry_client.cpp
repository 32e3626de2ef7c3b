#include "ml_engine/registry_client.h"

#include "artifacts/sha256.h"
#include "ml_engine/service_call.h"

namespace chatdb::ml_engine {
namespace {

constexpr std::string_view kService = "the model registry";
// Model bytes may be large; every other call is small and keeps the client's short timeout.
constexpr std::chrono::seconds kTransferTimeout{120};

}  // namespace

RegistryClient::RegistryClient(std::string base_url, std::shared_ptr<http::Client> client)
    : base_url_(std::move(base_url)), client_(std::move(client)) {}

std::string RegistryClient::model_path(const std::string& name) const {
  return base_url_ + "/registered-models/" + path_segment(name);
}

Result<VersionInfo> RegistryClient::version_call(const std::string& name, std::string_view method, const std::string& url,
                                                 std::string body) {
  std::vector<std::pair<std::string, std::string>> headers;
  if (!body.empty()) headers.emplace_back("Content-Type", method == "PUT" ? "application/octet-stream" : "application/json");
  auto timeout = method == "PUT" ? std::optional<std::chrono::milliseconds>(kTransferTimeout) : std::nullopt;
  auto response = client_->request(method, url, std::move(body), headers, timeout);
  if (Status s = call_status(response, kService); !s) return s.error();
  auto json = json_body(*response, kService);
  if (!json) return json.error();
  const auto& j = *json;
  if (!j.contains("version") || !j["version"].is_number_integer() || !j.contains("status") || !j["status"].is_string()) {
    return Error::unavailable("the model registry answered without a version and status");
  }
  VersionInfo v;
  v.name = j.value("name", name);
  v.version = j["version"].get<std::int64_t>();
  v.status = j["status"].get<std::string>();
  if (j.contains("artifact_sha256") && j["artifact_sha256"].is_string()) v.artifact_sha256 = j["artifact_sha256"].get<std::string>();
  v.metadata = j.value("metadata", nlohmann::json::object());
  return v;
}

Result<VersionInfo> RegistryClient::register_version(const std::string& name, const std::string& job_id,
                                                     const nlohmann::json& metadata) {
  nlohmann::json body = {{"job_id", job_id}, {"metadata", metadata}};
  return version_call(name, "POST", model_path(name) + "/versions", body.dump());
}

Result<VersionInfo> RegistryClient::upload_artifact(const std::string& name, std::int64_t version, const std::string& bytes) {
  return version_call(name, "PUT", model_path(name) + "/versions/" + std::to_string(version) + "/artifact", bytes);
}

Result<VersionInfo> RegistryClient::version(const std::string& name, std::int64_t version) {
  return version_call(name, "GET", model_path(name) + "/versions/" + std::to_string(version));
}

Result<VersionInfo> RegistryClient::alias(const std::string& name, const std::string& alias) {
  return version_call(name, "GET", model_path(name) + "/aliases/" + path_segment(alias));
}

Result<VersionInfo> RegistryClient::latest(const std::string& name) { return version_call(name, "GET", model_path(name) + "/versions/latest"); }

Result<std::string> RegistryClient::artifact(const VersionInfo& version) {
  auto response = client_->request("GET", model_path(version.name) + "/versions/" + std::to_string(version.version) + "/artifact",
                                   {}, {}, kTransferTimeout);
  if (Status s = call_status(response, kService); !s) return s.error();
  std::string digest = artifacts::Sha256::of(response->body);
  std::string announced = response->header("x-artifact-sha256");
  if (digest != announced || (!version.artifact_sha256.empty() && digest != version.artifact_sha256)) {
    return Error::unavailable("the artifact of " + version.name + " version " + std::to_string(version.version) +
                              " arrived damaged (its SHA-256 does not match); retry");
  }
  return std::move(response->body);
}

Status RegistryClient::check() { return call_status(client_->get(base_url_ + "/health"), kService); }

}  // namespace chatdb::ml_engine
