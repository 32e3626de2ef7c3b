// JSON that enters from outside: parse_json (HTTP bodies, bus messages, stored rows), and the
// parsers built on it for POST /jobs bodies, training-topic messages and job events.
#include "common/json_parse.h"
#include "ml_engine/training_job.h"
#include "orchestrator/job_event.h"
#include "orchestrator/job_request.h"
#include "tests/fuzz/fuzz_check.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace {

std::size_t depth(const nlohmann::json& j) {
  std::size_t deepest = 0;
  if (j.is_array() || j.is_object()) {
    for (const auto& child : j) deepest = std::max(deepest, depth(child));
    return deepest + 1;
  }
  return 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  chatdb::JsonLimits limits;
  auto parsed = chatdb::parse_json(text, limits);
  if (!parsed) {
    FUZZ_CHECK(parsed.error().code == chatdb::ErrorCode::kInvalidArgument);
    FUZZ_CHECK(chatdb::fuzz::clean_message(parsed.error().message, text));
  } else {
    FUZZ_CHECK(depth(*parsed) <= limits.max_depth);
    // What was accepted can be written and read back as the same document.
    auto again = chatdb::parse_json(parsed->dump(), limits);
    FUZZ_CHECK(again.ok() && *again == *parsed);
    if (parsed->is_object()) {
      auto request = chatdb::orchestrator::JobRequest::parse(*parsed, 64);
      if (request) {
        auto canonical = request->canonical();
        auto reread = chatdb::orchestrator::JobRequest::parse(request->to_json(), 64);
        FUZZ_CHECK(reread.ok() && reread->canonical() == canonical);
      } else {
        FUZZ_CHECK(request.error().code == chatdb::ErrorCode::kInvalidArgument ||
                   request.error().code == chatdb::ErrorCode::kUnprocessable);
        FUZZ_CHECK(chatdb::fuzz::clean_message(request.error().message, text));
      }
    }
  }
  auto job = chatdb::ml_engine::TrainingJob::parse(text);
  if (job) {
    FUZZ_CHECK(job->threads() >= 1);
  } else {
    FUZZ_CHECK(chatdb::fuzz::clean_message(job.error().message, text));
  }
  auto event = chatdb::orchestrator::JobEvent::parse(text);
  if (!event) FUZZ_CHECK(chatdb::fuzz::clean_message(event.error().message, text));
  return 0;
}
