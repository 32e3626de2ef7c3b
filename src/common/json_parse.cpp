#include "common/json_parse.h"

#include <algorithm>
#include <string>

namespace chatdb {
namespace {

// The deepest nesting of arrays and objects, counted without parsing: brackets inside strings
// do not count. Stops counting once past `limit`.
std::size_t nesting_depth(std::string_view text, std::size_t limit) {
  std::size_t depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
      if (deepest > limit) return deepest;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

}  // namespace

Result<nlohmann::json> parse_json(std::string_view text, JsonLimits limits) {
  if (text.size() > limits.max_bytes) {
    return Error::invalid("the JSON text is larger than the limit of " + std::to_string(limits.max_bytes) + " bytes");
  }
  if (nesting_depth(text, limits.max_depth) > limits.max_depth) {
    return Error::invalid("the JSON is nested deeper than the limit of " + std::to_string(limits.max_depth) +
                          " levels of arrays and objects");
  }
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    return Error::invalid("the text is not valid JSON (at byte " + std::to_string(e.byte) + ")");
  } catch (const nlohmann::json::out_of_range&) {
    return Error::invalid("the JSON holds a number out of range (such as 1e999)");
  } catch (const nlohmann::json::exception&) {
    return Error::invalid("the text is not valid JSON");
  }
}

nlohmann::json parse_json_or_discarded(std::string_view text, JsonLimits limits) {
  auto parsed = parse_json(text, limits);
  return parsed ? std::move(*parsed) : nlohmann::json(nlohmann::json::value_t::discarded);
}

}  // namespace chatdb
