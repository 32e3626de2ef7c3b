#include "auth/authenticator.h"

#include "auth/token.h"
#include "common/logger.h"

#include <nlohmann/json.hpp>

#include <strings.h>

namespace chatdb::auth {
namespace {

// The token of "Bearer TOKEN" (scheme in any case), or "" when the header is not that.
std::string_view bearer_token(std::string_view header) {
  constexpr std::string_view kScheme = "bearer ";
  if (header.size() <= kScheme.size() || strncasecmp(header.data(), kScheme.data(), kScheme.size()) != 0) return {};
  header.remove_prefix(kScheme.size());
  while (!header.empty() && header.front() == ' ') header.remove_prefix(1);
  while (!header.empty() && header.back() == ' ') header.remove_suffix(1);
  return header;
}

bool same_file_state(const struct stat& a, const struct stat& b) {
  return a.st_ino == b.st_ino && a.st_dev == b.st_dev && a.st_size == b.st_size &&
         a.st_mtim.tv_sec == b.st_mtim.tv_sec && a.st_mtim.tv_nsec == b.st_mtim.tv_nsec;
}

}  // namespace

std::string_view to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::kAllowed: return "allowed";
    case Verdict::kMissing: return "missing";
    case Verdict::kUnknown: return "unknown";
    case Verdict::kScope: return "scope";
  }
  return "unknown";
}

Authenticator::Authenticator(KeyFile file, std::chrono::milliseconds recheck)
    : file_(std::move(file)), recheck_(recheck), snapshot_(std::make_shared<Snapshot>()) {}

void Authenticator::add_process_key(ApiKey key) {
  std::lock_guard lock(mutex_);
  auto next = std::make_shared<Snapshot>(*snapshot_);
  next->process_keys.push_back(std::move(key));
  snapshot_ = std::move(next);
}

bool Authenticator::enforcing() { return !current()->file_keys.empty(); }

std::size_t Authenticator::key_count() { return current()->file_keys.size(); }

Verdict Authenticator::check(std::string_view method, std::string_view route, std::string_view authorization) {
  auto needed = required_scope(method, route);
  if (!needed) return Verdict::kAllowed;
  auto keys = current();
  if (keys->file_keys.empty()) return Verdict::kAllowed;
  std::string_view token = bearer_token(authorization);
  if (token.empty()) return Verdict::kMissing;
  std::string hash = token_hash(token);
  for (const auto* list : {&keys->file_keys, &keys->process_keys}) {
    for (const auto& key : *list) {
      if (same_hash(hash, key.sha256)) return key.grants(*needed) ? Verdict::kAllowed : Verdict::kScope;
    }
  }
  return Verdict::kUnknown;
}

std::shared_ptr<const Authenticator::Snapshot> Authenticator::current() {
  std::lock_guard lock(mutex_);
  auto now = std::chrono::steady_clock::now();
  if (now >= next_check_) {
    next_check_ = now + recheck_;
    reload();
  }
  return snapshot_;
}

// Under mutex_: re-reads the file when its inode, size or mtime changed (a rename replaces the
// inode, so an atomic update is always seen).
void Authenticator::reload() {
  struct stat now {};
  bool exists = ::stat(file_.path().c_str(), &now) == 0;
  if (exists == seen_exists_ && (!exists || same_file_state(now, seen_))) return;
  auto keys = file_.read();
  if (!keys) {
    Logger::error("API keys file unreadable; keeping the last good keys",
                  {{"file", file_.path().string()}, {"error", keys.error().message}});
    // Remember the bad state, so it is logged once; the next change is read again.
    seen_ = now;
    seen_exists_ = exists;
    return;
  }
  seen_ = now;
  seen_exists_ = exists;
  auto next = std::make_shared<Snapshot>(*snapshot_);
  next->file_keys = std::move(*keys);
  snapshot_ = std::move(next);
  Logger::info("API keys loaded", {{"file", file_.path().string()}, {"keys", snapshot_->file_keys.size()}});
}

}  // namespace chatdb::auth
