#include "ml/feature_encoder.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <unordered_set>

namespace chatdb::ml {
namespace {

constexpr float kMissing = std::numeric_limits<float>::quiet_NaN();
// A text column with a distinct value in every row, over this many rows, is an identifier.
constexpr std::size_t kIdentifierMinRows = 20;

std::string_view encoding_name(Encoding e) {
  switch (e) {
    case Encoding::kNumber: return "number";
    case Encoding::kOneHot: return "onehot";
    case Encoding::kCodes: return "codes";
  }
  return "number";
}

std::string xgboost_safe(std::string name) {
  for (char& c : name) {
    if (c == '[' || c == ']' || c == '<') c = '_';
  }
  return name;
}

std::string quoted_list(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "'" : ", '") + n + "'";
  return out;
}

}  // namespace

Result<FeatureEncoder> FeatureEncoder::fit(const Dataset& dataset, std::size_t target_column, const std::string& policy) {
  if (policy != "auto" && policy != "onehot" && policy != "codes") {
    return Error::invalid("categorical_encoding '" + policy + "' is not one of auto, onehot, codes");
  }
  FeatureEncoder e;
  for (std::size_t i = 0; i < dataset.columns.size(); ++i) {
    if (i == target_column) continue;
    const Column& c = dataset.columns[i];
    std::size_t present = c.present();
    if (present == 0) {
      e.ignored_.push_back({c.name, "empty"});
      continue;
    }
    Feature f{c.name, c.type, Encoding::kNumber, {}};
    if (c.type == ColumnType::kCategorical) {
      if (c.categories.size() == present && present > kIdentifierMinRows) {
        e.ignored_.push_back({c.name, "identifier"});
        continue;
      }
      f.categories = c.categories;
      std::sort(f.categories.begin(), f.categories.end());
      bool onehot = policy == "onehot" || (policy == "auto" && f.categories.size() <= kMaxAutoOneHot);
      f.encoding = onehot ? Encoding::kOneHot : Encoding::kCodes;
    }
    e.features_.push_back(std::move(f));
  }
  if (e.features_.empty()) {
    return Error::invalid("no usable feature column: every column besides the target is empty or an identifier");
  }
  e.index();
  if (e.width() > kMaxWidth) {
    return Error::invalid("the features encode to " + std::to_string(e.width()) + " inputs, over the limit of " +
                          std::to_string(kMaxWidth) + "; use categorical_encoding=codes or drop wide text columns");
  }
  return e;
}

void FeatureEncoder::index() {
  encoded_names_.clear();
  source_.clear();
  offset_.clear();
  by_name_.clear();
  category_index_.assign(features_.size(), {});
  std::set<std::string> taken;
  auto add = [&](std::string name, std::size_t feature) {
    name = xgboost_safe(std::move(name));
    std::string unique = name;
    for (int k = 2; !taken.insert(unique).second; ++k) unique = name + "#" + std::to_string(k);
    encoded_names_.push_back(std::move(unique));
    source_.push_back(feature);
  };
  for (std::size_t i = 0; i < features_.size(); ++i) {
    const Feature& f = features_[i];
    by_name_[f.name] = i;
    offset_.push_back(encoded_names_.size());
    for (std::size_t k = 0; k < f.categories.size(); ++k) category_index_[i][f.categories[k]] = k;
    if (f.encoding == Encoding::kOneHot) {
      for (const auto& category : f.categories) add(f.name + "=" + category, i);
    } else {
      add(f.name, i);
    }
  }
}

std::vector<float> FeatureEncoder::encode(const Dataset& dataset, const std::vector<std::size_t>& rows) const {
  const std::size_t w = width();
  std::vector<float> out(rows.size() * w, 0.0f);
  // Per feature: its column, and for categories the dataset's codes (order of appearance) as
  // positions in the sorted categories.
  std::vector<const Column*> columns;
  std::vector<std::vector<std::int64_t>> positions(features_.size());
  for (std::size_t fi = 0; fi < features_.size(); ++fi) {
    const Column& c = dataset.columns[*dataset.index_of(features_[fi].name)];
    columns.push_back(&c);
    if (features_[fi].encoding == Encoding::kNumber) continue;
    positions[fi].assign(c.categories.size(), -1);
    for (std::size_t k = 0; k < c.categories.size(); ++k) {
      auto it = category_index_[fi].find(c.categories[k]);
      if (it != category_index_[fi].end()) positions[fi][k] = static_cast<std::int64_t>(it->second);
    }
  }
  // Blocks of rows, so that the writes of each feature stay in cache.
  constexpr std::size_t kBlock = 2048;
  for (std::size_t begin = 0; begin < rows.size(); begin += kBlock) {
    const std::size_t end = std::min(rows.size(), begin + kBlock);
    for (std::size_t fi = 0; fi < features_.size(); ++fi) {
      const Column& c = *columns[fi];
      const std::size_t at = offset_[fi];
      const Encoding encoding = features_[fi].encoding;
      for (std::size_t r = begin; r < end; ++r) {
        float* cell = out.data() + r * w + at;
        if (encoding == Encoding::kNumber) {
          *cell = static_cast<float>(c.numbers[rows[r]]);
          continue;
        }
        std::int32_t code = c.codes[rows[r]];
        std::int64_t p = code < 0 ? -1 : positions[fi][static_cast<std::size_t>(code)];
        if (encoding == Encoding::kOneHot) {
          if (p >= 0) cell[p] = 1.0f;
        } else {
          *cell = p < 0 ? kMissing : static_cast<float>(p);
        }
      }
    }
  }
  return out;
}

Result<std::vector<float>> FeatureEncoder::encode_instances(const nlohmann::json& instances, const std::string& target) const {
  if (!instances.is_array()) return Error::invalid("'instances' must be an array of objects {feature: value}");
  std::unordered_set<std::string> dropped{target};
  for (const auto& c : ignored_) dropped.insert(c.name);
  const std::size_t w = width();
  std::vector<float> out(instances.size() * w, 0.0f);
  std::vector<char> seen(features_.size());
  for (std::size_t r = 0; r < instances.size(); ++r) {
    const auto& instance = instances[r];
    const std::string where = "instance " + std::to_string(r);
    if (!instance.is_object()) return Error::invalid(where + " is not an object {feature: value}");
    std::fill(seen.begin(), seen.end(), 0);
    std::vector<std::string> unknown;
    float* row = out.data() + r * w;
    for (const auto& [name, value] : instance.items()) {
      auto it = by_name_.find(name);
      if (it == by_name_.end()) {
        if (!dropped.count(name)) unknown.push_back(name);
        continue;
      }
      const std::size_t fi = it->second;
      const Feature& f = features_[fi];
      seen[fi] = 1;
      float* at = row + offset_[fi];
      if (f.encoding == Encoding::kNumber) {
        if (value.is_null()) {
          *at = kMissing;
        } else if (value.is_number() && !value.is_boolean()) {
          *at = static_cast<float>(value.get<double>());
        } else {
          return Error::invalid(where + ": feature '" + name + "' is numeric; got " + value.dump() + " (send a number, or null when missing)");
        }
        continue;
      }
      std::int64_t p = -1;
      if (value.is_string() || (value.is_number() && !value.is_boolean())) {
        std::string text = value.is_string() ? value.get<std::string>() : format_number(value.get<double>());
        auto c = category_index_[fi].find(text);
        if (c != category_index_[fi].end()) p = static_cast<std::int64_t>(c->second);
      } else if (!value.is_null()) {
        return Error::invalid(where + ": feature '" + name + "' is categorical; got " + value.dump() + " (send a string, or null when missing)");
      }
      if (f.encoding == Encoding::kOneHot) {
        if (p >= 0) at[p] = 1.0f;
      } else {
        *at = p < 0 ? kMissing : static_cast<float>(p);
      }
    }
    std::vector<std::string> missing;
    for (std::size_t fi = 0; fi < features_.size(); ++fi) {
      if (!seen[fi]) missing.push_back(features_[fi].name);
    }
    if (!unknown.empty() || !missing.empty()) {
      std::string message = where + ":";
      if (!unknown.empty()) message += " unknown feature" + std::string(unknown.size() > 1 ? "s " : " ") + quoted_list(unknown) + ";";
      if (!missing.empty()) message += " missing feature" + std::string(missing.size() > 1 ? "s " : " ") + quoted_list(missing) + ";";
      std::vector<std::string> names;
      for (const auto& f : features_) names.push_back(f.name);
      return Error::invalid(message + " the model's features are " + quoted_list(names) + " (null for a missing value)");
    }
  }
  return out;
}

nlohmann::json FeatureEncoder::to_json() const {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& f : features_) {
    nlohmann::json j = {{"name", f.name},
                        {"type", f.type == ColumnType::kNumeric ? "numeric" : "categorical"},
                        {"encoding", encoding_name(f.encoding)}};
    if (f.type == ColumnType::kCategorical) j["categories"] = f.categories;
    out.push_back(std::move(j));
  }
  return out;
}

nlohmann::json FeatureEncoder::ignored_json() const {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& c : ignored_) out.push_back({{"name", c.name}, {"reason", c.reason}});
  return out;
}

Result<FeatureEncoder> FeatureEncoder::from_json(const nlohmann::json& features, const nlohmann::json& ignored) {
  const Error bad = Error::invalid("model metadata: 'features' must be [{\"name\", \"type\", \"encoding\", \"categories\"?}]");
  if (!features.is_array() || features.empty()) return bad;
  FeatureEncoder e;
  for (const auto& j : features) {
    if (!j.is_object() || !j.contains("name") || !j["name"].is_string()) return bad;
    Feature f;
    f.name = j["name"].get<std::string>();
    std::string type = j.value("type", "");
    std::string encoding = j.value("encoding", "");
    if (type == "numeric" && encoding == "number") {
      f.type = ColumnType::kNumeric;
    } else if (type == "categorical" && (encoding == "onehot" || encoding == "codes") && j.contains("categories") &&
               j["categories"].is_array()) {
      f.type = ColumnType::kCategorical;
      f.encoding = encoding == "onehot" ? Encoding::kOneHot : Encoding::kCodes;
      for (const auto& c : j["categories"]) {
        if (!c.is_string()) return bad;
        f.categories.push_back(c.get<std::string>());
      }
    } else {
      return bad;
    }
    e.features_.push_back(std::move(f));
  }
  if (ignored.is_array()) {
    for (const auto& j : ignored) {
      if (j.is_object() && j.contains("name") && j["name"].is_string()) {
        e.ignored_.push_back({j["name"].get<std::string>(), j.value("reason", "")});
      }
    }
  }
  e.index();
  return e;
}

}  // namespace chatdb::ml
