#pragma once

#include "common/error.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chatdb::auth {

/// What an API key may do, by effect. Each scope implies the ones below it: admin > write > read.
enum class Scope { kRead = 1, kWrite = 2, kAdmin = 3 };

std::string_view to_string(Scope scope);
Result<Scope> parse_scope(std::string_view name);
/// "read,write,admin" (any order, spaces allowed); at least one.
Result<std::vector<Scope>> parse_scopes(std::string_view comma_list);
std::string join(const std::vector<Scope>& scopes);

/// The scope a request needs, from its method and route pattern (without mount prefix; "" when
/// no route matched): none for the probes /health, /ready and /metrics; read for GET and HEAD
/// and for the POSTs that change nothing (/parse, /query, /predict); admin for DELETE; write
/// for anything else that creates or changes.
std::optional<Scope> required_scope(std::string_view method, std::string_view route);

}  // namespace chatdb::auth
