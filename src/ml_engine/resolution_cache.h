#pragma once

#include "ml/serving_model.h"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>

namespace chatdb::ml_engine {

/// What a model reference ("the newest READY version", an alias, or a version number, checked
/// with the registry) resolved to, and the model loaded for it.
struct Resolved {
  std::int64_t version = 0;
  std::shared_ptr<const ml::ServingModel> model;
};

/// Resolutions of model references, so that a prediction does not ask the registry which
/// version to serve. An entry is fresh for `ttl` after the registry answered; the registry's
/// change events (a version ready or deleted, an alias set or removed, a model deleted)
/// invalidate every entry of that model at once, and the TTL bounds how long a lost event can
/// matter. An entry past its TTL is still returned by stale(), for when the registry cannot be
/// reached. A resolution fetched while an invalidation happened is not stored (generation), so
/// an event is never undone by a slower lookup. At most `capacity` entries (beyond, all are
/// dropped: they are cheap to rebuild). Thread-safe; lookups share a lock.
class ResolutionCache {
 public:
  ResolutionCache(std::chrono::milliseconds ttl, std::size_t capacity);

  /// The key of a reference: "" for the newest READY version, else the alias or the number.
  static std::string key(const std::string& model, const std::optional<std::int64_t>& version, const std::string& alias);

  /// A fresh entry, or nothing.
  std::optional<Resolved> fresh(const std::string& key) const;
  /// Any entry, however old (for when the registry is unreachable).
  std::optional<Resolved> stale(const std::string& key) const;
  /// Call before asking the registry; pass the result to put().
  std::uint64_t generation() const { return generation_.load(); }
  void put(const std::string& key, Resolved resolved, std::uint64_t generation);
  /// Drops every entry of `model`.
  void invalidate(const std::string& model);
  std::size_t size() const;

 private:
  struct Entry {
    Resolved resolved;
    std::chrono::steady_clock::time_point expires;
  };

  const std::chrono::milliseconds ttl_;
  const std::size_t capacity_;
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::atomic<std::uint64_t> generation_{0};
};

}  // namespace chatdb::ml_engine
