#pragma once

#include <cstdint>

namespace chatdb {

/// Facts about this process for /metrics. Thread-safe.
struct ProcessStats {
  /// Resident set size in bytes, read from /proc/self/statm; 0 where unavailable.
  static std::uint64_t resident_memory_bytes();
  /// Unix time in seconds at which the process started (first call fixes it).
  static double start_time_seconds();
};

}  // namespace chatdb
