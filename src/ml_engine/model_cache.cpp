#include "ml_engine/model_cache.h"

#include <algorithm>

namespace chatdb::ml_engine {
namespace {

std::string key_of(const std::string& name, std::int64_t version) { return name + '\n' + std::to_string(version); }

}  // namespace

ModelCache::ModelCache(std::size_t capacity) : capacity_(std::max<std::size_t>(1, capacity)) {}

std::shared_ptr<const ml::ServingModel> ModelCache::find(const std::string& name, std::int64_t version) {
  std::lock_guard lock(mutex_);
  auto it = index_.find(key_of(name, version));
  if (it == index_.end()) return nullptr;
  order_.splice(order_.begin(), order_, it->second);
  return it->second->second;
}

void ModelCache::put(const std::string& name, std::int64_t version, std::shared_ptr<const ml::ServingModel> model) {
  std::string key = key_of(name, version);
  std::lock_guard lock(mutex_);
  if (auto it = index_.find(key); it != index_.end()) {
    order_.splice(order_.begin(), order_, it->second);
    return;
  }
  order_.emplace_front(key, std::move(model));
  index_[key] = order_.begin();
  while (order_.size() > capacity_) {
    index_.erase(order_.back().first);
    order_.pop_back();
  }
}

void ModelCache::erase(const std::string& name, std::optional<std::int64_t> version) {
  std::lock_guard lock(mutex_);
  const std::string prefix = name + '\n';
  for (auto it = order_.begin(); it != order_.end();) {
    bool match = version ? it->first == key_of(name, *version) : it->first.compare(0, prefix.size(), prefix) == 0;
    if (!match) {
      ++it;
      continue;
    }
    index_.erase(it->first);
    it = order_.erase(it);
  }
}

std::size_t ModelCache::size() const {
  std::lock_guard lock(mutex_);
  return order_.size();
}

}  // namespace chatdb::ml_engine
