#pragma once

#include "common/error.h"
#include "ml/dataset.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace chatdb::ml {

/// How a feature becomes model inputs: a number as it is; a category as one 0/1 input per known
/// category (one-hot), or as one input holding the category's index in the sorted list (codes).
enum class Encoding { kNumber, kOneHot, kCodes };

/// One input column of a model, as training saw it.
struct Feature {
  std::string name;
  ColumnType type = ColumnType::kNumeric;
  Encoding encoding = Encoding::kNumber;
  std::vector<std::string> categories;  // sorted; for categorical features
};

/// A column left out of the features, and why ("identifier": a distinct text per row;
/// "empty": no values).
struct IgnoredColumn {
  std::string name;
  std::string reason;
};

/// Turns dataset rows, or prediction instances, into the float matrix a model reads (row-major,
/// NaN = missing), the same way at training and at prediction: the encoding is recorded in the
/// model's metadata (to_json) and restored from it (from_json). A missing value is NaN for a
/// number and for codes, all zeros for one-hot; an unseen category is treated as missing.
/// Immutable once made; safe to share between threads.
class FeatureEncoder {
 public:
  /// One-hot for at most this many categories under the "auto" policy, codes beyond.
  static constexpr std::size_t kMaxAutoOneHot = 32;
  /// Encoded inputs allowed in all.
  static constexpr std::size_t kMaxWidth = 10000;

  /// Every column but the target is a feature, except identifier-like text columns and empty
  /// columns. `policy` for categorical columns: "auto", "onehot" or "codes". kInvalidArgument
  /// for an unknown policy, no usable feature, or more than kMaxWidth inputs.
  static Result<FeatureEncoder> fit(const Dataset& dataset, std::size_t target_column, const std::string& policy);

  /// From the "features" and "ignored_columns" of to_json(); kInvalidArgument when malformed.
  static Result<FeatureEncoder> from_json(const nlohmann::json& features, const nlohmann::json& ignored);
  /// [{"name", "type": "numeric" | "categorical", "encoding": "number" | "onehot" | "codes",
  ///   "categories"?: [...]}]
  nlohmann::json to_json() const;
  /// [{"name", "reason"}]
  nlohmann::json ignored_json() const;

  const std::vector<Feature>& features() const { return features_; }
  const std::vector<IgnoredColumn>& ignored() const { return ignored_; }
  /// One name per input: the feature's, or "feature=category" for one-hot; unique, and free of
  /// the characters XGBoost refuses in feature names ([ ] <).
  const std::vector<std::string>& encoded_names() const { return encoded_names_; }
  std::size_t width() const { return encoded_names_.size(); }
  /// The feature that input `index` comes from.
  std::size_t feature_of(std::size_t index) const { return source_[index]; }

  /// The given rows of the dataset it was fit on (or one with the same columns).
  std::vector<float> encode(const Dataset& dataset, const std::vector<std::size_t>& rows) const;

  /// For readers of other input layouts (ml_engine's scoring formats): the feature of that
  /// name (an index into features()) or -1; the first input of a feature; the position of a
  /// category among a feature's sorted categories, or -1 when unseen.
  std::ptrdiff_t feature_index(const std::string& name) const {
    auto it = by_name_.find(name);
    return it == by_name_.end() ? -1 : static_cast<std::ptrdiff_t>(it->second);
  }
  std::size_t offset(std::size_t feature) const { return offset_[feature]; }
  std::int64_t category_index(std::size_t feature, const std::string& text) const {
    auto it = category_index_[feature].find(text);
    return it == category_index_[feature].end() ? -1 : static_cast<std::int64_t>(it->second);
  }

  /// Prediction instances: a JSON array of objects {feature: value}. Numbers for numeric
  /// features; strings (or numbers, read as their text) for categorical ones; null for missing.
  /// Ignored columns and the target column `target` are accepted and dropped. kInvalidArgument
  /// naming the instance and the unknown or missing features, or the wrongly typed value.
  Result<std::vector<float>> encode_instances(const nlohmann::json& instances, const std::string& target) const;

 private:
  // Names the inputs and builds the lookups encode_instances uses.
  void index();

  std::vector<Feature> features_;
  std::vector<IgnoredColumn> ignored_;
  std::vector<std::string> encoded_names_;
  std::vector<std::size_t> source_;   // input -> feature
  std::vector<std::size_t> offset_;   // feature -> its first input
  std::unordered_map<std::string, std::size_t> by_name_;
  std::vector<std::unordered_map<std::string, std::size_t>> category_index_;  // per feature
};

}  // namespace chatdb::ml
