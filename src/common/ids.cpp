#include "common/ids.h"

#include <cstdint>
#include <random>

namespace chatdb {

std::string new_id() {
  // One generator per thread: no locking on the request path.
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(32, '0');
  for (int half = 0; half < 2; ++half) {
    std::uint64_t bits = rng();
    for (int i = 0; i < 16; ++i) {
      out[half * 16 + i] = kHex[bits & 0xf];
      bits >>= 4;
    }
  }
  return out;
}

}  // namespace chatdb
