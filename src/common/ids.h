#pragma once

#include <string>

namespace chatdb {

/// A random 128-bit identifier as 32 lowercase hex digits. Thread-safe.
std::string new_id();

}  // namespace chatdb
