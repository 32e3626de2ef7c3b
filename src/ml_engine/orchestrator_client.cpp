#include "ml_engine/orchestrator_client.h"

#include "ml_engine/service_call.h"

namespace chatdb::ml_engine {
namespace {

constexpr std::string_view kService = "the training orchestrator";

}  // namespace

OrchestratorClient::OrchestratorClient(std::string base_url, std::shared_ptr<http::Client> client)
    : base_url_(std::move(base_url)), client_(std::move(client)) {}

Result<std::optional<JobState>> OrchestratorClient::job(const std::string& id) {
  auto response = client_->get(base_url_ + "/jobs/" + path_segment(id));
  if (Status s = call_status(response, kService); !s) {
    if (s.error().code == ErrorCode::kNotFound) return std::optional<JobState>();
    return s.error();
  }
  auto body = json_body(*response, kService);
  if (!body) return body.error();
  const auto& j = *body;
  if (!j.contains("status") || !j["status"].is_string() || !j.contains("attempts") || !j["attempts"].is_number_integer()) {
    return Error::unavailable("the training orchestrator described job " + id + " without status and attempts");
  }
  return std::optional<JobState>(JobState{j["status"].get<std::string>(), j["attempts"].get<std::int64_t>()});
}

}  // namespace chatdb::ml_engine
