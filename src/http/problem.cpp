#include "http/problem.h"

#include <nlohmann/json.hpp>

namespace chatdb::http {
namespace {

std::string title_of(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Error";
  }
}

Response make(int status, const std::string& type, const std::string& detail) {
  nlohmann::json body = {{"type", type}, {"title", title_of(status)}, {"status", status}, {"detail", detail}};
  Response r = Response::json(body, status);
  r.content_type = "application/problem+json";
  return r;
}

}  // namespace

int status_of(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return 400;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kConflict: return 409;
    case ErrorCode::kPayloadTooLarge: return 413;
    case ErrorCode::kUnsupportedMedia: return 415;
    case ErrorCode::kUnprocessable: return 422;
    case ErrorCode::kUnavailable: return 503;
    case ErrorCode::kTimeout: return 504;
    case ErrorCode::kInternal: return 500;
  }
  return 500;
}

Response problem(const Error& error) {
  Response r = make(status_of(error.code), "urn:chatdb:problem:" + std::string(to_string(error.code)), error.message);
  if (error.retryable && error.code == ErrorCode::kUnavailable) r.headers.emplace_back("Retry-After", "2");
  return r;
}

Response problem(int status, const std::string& detail) {
  return make(status, "about:blank", detail);
}

}  // namespace chatdb::http
