#pragma once

#include "common/error.h"

namespace chatdb {

/// Bounds how many data-source queries execute at once in this process. A query takes a slot
/// without waiting or is refused (kUnavailable, retryable: 503 with Retry-After), so executing
/// queries can never occupy every request thread, and calls that execute nothing (/parse) are
/// not queued behind them. Thread-safe.
class QuerySlots {
 public:
  static constexpr int kSlots = 4;

  /// Holds one slot until destroyed.
  class Held {
   public:
    Held(Held&& other) noexcept : held_(other.held_) { other.held_ = false; }
    Held& operator=(Held&&) = delete;
    ~Held();

   private:
    friend class QuerySlots;
    Held() = default;
    bool held_ = true;
  };

  /// A slot, or kUnavailable when kSlots queries are already executing.
  static Result<Held> take();
  /// Slots in use now.
  static int in_use();
};

}  // namespace chatdb
