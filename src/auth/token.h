#pragma once

#include <string>
#include <string_view>

namespace chatdb::auth {

/// A new API token: "chatdb_" and 64 hex digits of 32 bytes from OpenSSL's CSPRNG.
std::string new_token();

/// The SHA-256 of a token as 64 lowercase hex digits: what the keys file stores. Tokens carry
/// 256 random bits, so an unsalted fast hash is enough.
std::string token_hash(std::string_view token);

/// Compares two hashes in time independent of where they differ (CRYPTO_memcmp).
bool same_hash(std::string_view a, std::string_view b);

}  // namespace chatdb::auth
