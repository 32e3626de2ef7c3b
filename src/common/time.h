#pragma once

#include <cstdint>

namespace chatdb {

/// Wall-clock time as Unix milliseconds, the unit every stored timestamp uses.
std::int64_t unix_millis();

}  // namespace chatdb
