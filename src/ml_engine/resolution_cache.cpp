#include "ml_engine/resolution_cache.h"

#include <mutex>

namespace chatdb::ml_engine {

ResolutionCache::ResolutionCache(std::chrono::milliseconds ttl, std::size_t capacity) : ttl_(ttl), capacity_(capacity) {}

std::string ResolutionCache::key(const std::string& model, const std::optional<std::int64_t>& version, const std::string& alias) {
  // Model names cannot hold a line break; '#' and '@' keep numbers and aliases apart.
  if (version) return model + "\n#" + std::to_string(*version);
  if (!alias.empty()) return model + "\n@" + alias;
  return model + "\n";
}

std::optional<Resolved> ResolutionCache::fresh(const std::string& key) const {
  std::shared_lock lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end() || std::chrono::steady_clock::now() >= it->second.expires) return std::nullopt;
  return it->second.resolved;
}

std::optional<Resolved> ResolutionCache::stale(const std::string& key) const {
  std::shared_lock lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  return it->second.resolved;
}

void ResolutionCache::put(const std::string& key, Resolved resolved, std::uint64_t generation) {
  std::unique_lock lock(mutex_);
  if (generation != generation_.load()) return;  // an invalidation came in meanwhile
  if (entries_.size() >= capacity_ && !entries_.count(key)) entries_.clear();
  entries_[key] = Entry{std::move(resolved), std::chrono::steady_clock::now() + ttl_};
}

void ResolutionCache::invalidate(const std::string& model) {
  std::unique_lock lock(mutex_);
  generation_.fetch_add(1);
  const std::string prefix = model + "\n";
  for (auto it = entries_.begin(); it != entries_.end();) {
    it = it->first.compare(0, prefix.size(), prefix) == 0 ? entries_.erase(it) : std::next(it);
  }
}

std::size_t ResolutionCache::size() const {
  std::shared_lock lock(mutex_);
  return entries_.size();
}

}  // namespace chatdb::ml_engine
