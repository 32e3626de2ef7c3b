#pragma once

#include "common/error.h"
#include "http/client.h"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace chatdb::ml_engine {

/// Percent-encodes one path segment (everything but A-Z a-z 0-9 - . _ ~).
std::string path_segment(std::string_view text);

/// The outcome of a call to another ChatDB service as an Error when it failed: no answer is
/// kUnavailable (retryable) naming `service`; 5xx and 429 likewise; 404 kNotFound, 409
/// kConflict, other 4xx kInvalidArgument, each carrying the service's problem detail.
/// Success (2xx) is an empty Status.
Status call_status(const Result<http::ClientResponse>& response, std::string_view service);

/// The JSON body of a successful call; kUnavailable when it is not JSON.
Result<nlohmann::json> json_body(const http::ClientResponse& response, std::string_view service);

}  // namespace chatdb::ml_engine
