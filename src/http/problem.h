#pragma once

#include "common/error.h"
#include "http/response.h"

#include <string>

namespace chatdb::http {

/// The one place that maps an error to an HTTP status.
int status_of(ErrorCode code);

/// An RFC 9457 problem (application/problem+json: type, title, status, detail). Retryable
/// unavailability adds Retry-After. The detail is the error's client-facing message; log text
/// stays in the logs.
Response problem(const Error& error);

/// A problem for protocol-level failures that have no ErrorCode (404, 405, 431, ...).
Response problem(int status, const std::string& detail);

}  // namespace chatdb::http
