#include "common/query_slots.h"

#include <atomic>
#include <string>

namespace chatdb {
namespace {

std::atomic<int> taken{0};

}  // namespace

QuerySlots::Held::~Held() {
  if (held_) taken.fetch_sub(1);
}

Result<QuerySlots::Held> QuerySlots::take() {
  if (taken.fetch_add(1) >= kSlots) {
    taken.fetch_sub(1);
    return Error::unavailable("the server is already running " + std::to_string(kSlots) +
                              " queries; retry in a moment");
  }
  return Held{};
}

int QuerySlots::in_use() { return taken.load(); }

}  // namespace chatdb
