#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace chatdb {

/// Where a component reads the wall clock: system_clock() in production, a clock the test moves
/// in tests (tests/support/manual_clock.h). nl2sql::QueryEngine::Clock is the same type.
using Clock = std::function<std::chrono::system_clock::time_point()>;

Clock system_clock();

/// The time of `clock` as Unix milliseconds.
std::int64_t unix_millis(const Clock& clock);

/// Wall-clock time as Unix milliseconds, the unit every stored timestamp uses.
std::int64_t unix_millis();

/// The wall-clock time now as ISO 8601 UTC to the second: "2026-12-07T22:50:18Z".
std::string utc_now_iso8601();

}  // namespace chatdb
