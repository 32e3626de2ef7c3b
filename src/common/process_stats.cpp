#include "common/process_stats.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>

namespace chatdb {

std::uint64_t ProcessStats::resident_memory_bytes() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  unsigned long long size = 0, resident = 0;
  int n = std::fscanf(f, "%llu %llu", &size, &resident);
  std::fclose(f);
  if (n != 2) return 0;
  return resident * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
}

double ProcessStats::start_time_seconds() {
  static const double start = std::chrono::duration<double>(
      std::chrono::system_clock::now().time_since_epoch()).count();
  return start;
}

}  // namespace chatdb
