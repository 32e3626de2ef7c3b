#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace chatdb::artifacts {

/// Incremental SHA-256 (OpenSSL's EVP, which uses the CPU's SHA extensions where present).
/// Feed bytes with update() as they stream by; finish() returns the digest as 64 lowercase hex
/// digits and resets the hasher for a new message. Not thread-safe: one hasher per stream.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;

  void update(std::string_view data);
  void update(const void* data, std::size_t size);
  std::string finish();

  /// The digest of one whole buffer.
  static std::string of(std::string_view data);

  /// True for exactly 64 lowercase hex digits, the form finish() returns.
  static bool is_hex_digest(std::string_view text);

 private:
  struct Context;
  std::unique_ptr<Context> context_;
};

}  // namespace chatdb::artifacts
