#include "bus/message_bus.h"

#include <exception>

namespace chatdb::bus {

Status call_handler(const Handler& handler, const Message& message) {
  try {
    return handler(message);
  } catch (const std::exception& e) {
    return Error::internal(std::string("handler threw: ") + e.what());
  } catch (...) {
    return Error::internal("handler threw a non-standard exception");
  }
}

}  // namespace chatdb::bus
