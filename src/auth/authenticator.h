#pragma once

#include "auth/key_file.h"

#include <sys/stat.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

namespace chatdb::auth {

/// The outcome of checking one request.
enum class Verdict {
  kAllowed,
  kMissing,  // no Authorization: Bearer header
  kUnknown,  // a token that matches no key
  kScope,    // a known key without the scope the request needs
};

/// "missing", "unknown" or "scope": the reason label of chatdb_auth_failures_total.
std::string_view to_string(Verdict verdict);

/// Decides who may do what from the keys file, which it re-reads when the file changes (it
/// looks at most once per `recheck`, on the next request). A file that cannot be read or parsed
/// keeps the last good keys and logs an error. While the file holds no key every request is
/// allowed. Thread-safe.
class Authenticator {
 public:
  explicit Authenticator(KeyFile file, std::chrono::milliseconds recheck = std::chrono::seconds(1));

  /// A key known only to this process (chatdb up's services call each other with it): it is
  /// accepted, but does not by itself make keys required.
  void add_process_key(ApiKey key);

  /// Whether requests need a key now: the keys file holds at least one.
  bool enforcing();
  /// The number of keys in the file.
  std::size_t key_count();

  /// `route` is the matched route pattern ("" when none matched); `authorization` the header.
  Verdict check(std::string_view method, std::string_view route, std::string_view authorization);

 private:
  struct Snapshot {
    std::vector<ApiKey> file_keys;
    std::vector<ApiKey> process_keys;
  };
  std::shared_ptr<const Snapshot> current();
  void reload();

  KeyFile file_;
  std::chrono::milliseconds recheck_;
  std::mutex mutex_;  // guards everything below
  std::shared_ptr<const Snapshot> snapshot_;
  std::chrono::steady_clock::time_point next_check_{};
  struct stat seen_ {};
  bool seen_exists_ = false;
};

}  // namespace chatdb::auth
