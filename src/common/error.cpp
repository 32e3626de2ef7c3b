#include "common/error.h"

namespace chatdb {

std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "invalid-argument";
    case ErrorCode::kNotFound: return "not-found";
    case ErrorCode::kConflict: return "conflict";
    case ErrorCode::kPayloadTooLarge: return "payload-too-large";
    case ErrorCode::kUnsupportedMedia: return "unsupported-media-type";
    case ErrorCode::kUnprocessable: return "unprocessable";
    case ErrorCode::kUnavailable: return "unavailable";
    case ErrorCode::kTimeout: return "timeout";
    case ErrorCode::kInternal: return "internal";
  }
  return "internal";
}

}  // namespace chatdb
