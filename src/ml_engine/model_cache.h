#pragma once

#include "ml/serving_model.h"

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace chatdb::ml_engine {

/// Loaded models by name and version, least recently used evicted beyond `capacity`. Versions
/// are immutable, so an entry goes stale only when its version is deleted (erase). Thread-safe.
class ModelCache {
 public:
  explicit ModelCache(std::size_t capacity);

  /// The model, or null when it is not cached.
  std::shared_ptr<const ml::ServingModel> find(const std::string& name, std::int64_t version);
  void put(const std::string& name, std::int64_t version, std::shared_ptr<const ml::ServingModel> model);
  /// Drops one version of a model, or every version when `version` is empty (it was deleted).
  void erase(const std::string& name, std::optional<std::int64_t> version);
  std::size_t size() const;

 private:
  using Entry = std::pair<std::string, std::shared_ptr<const ml::ServingModel>>;

  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::list<Entry> order_;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
};

}  // namespace chatdb::ml_engine
