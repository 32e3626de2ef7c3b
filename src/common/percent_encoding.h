#pragma once

#include <string>
#include <string_view>

namespace chatdb {

/// Escapes everything but RFC 3986's unreserved characters (A-Z a-z 0-9 - _ . ~), for a URL path
/// segment or a query value, and as AWS SigV4 wants its canonical query.
std::string percent_encode(std::string_view text);

}  // namespace chatdb
