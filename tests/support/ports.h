#pragma once

#include <cstdint>

namespace chatdb::testing {

/// A port of 127.0.0.1 that nothing listens on right now (the kernel's pick).
std::uint16_t free_port();

/// Whether something accepts connections on that port of 127.0.0.1.
bool port_answers(std::uint16_t port);

}  // namespace chatdb::testing
