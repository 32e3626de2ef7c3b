#pragma once

#include "common/error.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string_view>

namespace chatdb {

/// Bounds on JSON text read from outside the process.
struct JsonLimits {
  std::size_t max_depth = 64;               // nested arrays and objects
  std::size_t max_bytes = std::size_t{64} << 20;
};

/// Parses JSON that comes from outside: HTTP bodies and answers, bus messages, stored rows,
/// artifacts. Every call site uses this instead of nlohmann::json::parse: a document nested
/// 70,000 deep parses, then overflows the stack of the recursive code that walks it (dump, copy). Text nested deeper or larger than the limits, malformed
/// text and numbers out of range (1e999) are kInvalidArgument with a message a client may read
/// (the limit, or the byte where the text goes wrong), never the parser's own exception text.
Result<nlohmann::json> parse_json(std::string_view text, JsonLimits limits = {});

/// parse_json's value, or a discarded value (is_discarded()) when it fails: for callers that
/// only need to know whether the text was a usable document.
nlohmann::json parse_json_or_discarded(std::string_view text, JsonLimits limits = {});

}  // namespace chatdb
