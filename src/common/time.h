#pragma once

#include <cstdint>
#include <string>

namespace chatdb {

/// Wall-clock time as Unix milliseconds, the unit every stored timestamp uses.
std::int64_t unix_millis();

/// The wall-clock time now as ISO 8601 UTC to the second: "2026-12-07T22:50:18Z".
std::string utc_now_iso8601();

}  // namespace chatdb
