#pragma once

#include "common/error.h"
#include "ml/dataset.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace chatdb::ml {

enum class Task { kClassification, kRegression };

std::string_view to_string(Task task);

/// The column a model predicts, and how: a regression value, or one of `classes` (sorted
/// numerically for a numeric column, as text otherwise; with two classes, the second is the
/// positive one). Immutable once made; safe to share between threads.
class Target {
 public:
  /// Classification on more distinct values than this is refused.
  static constexpr std::size_t kMaxClasses = 100;
  /// `auto` takes a numeric target with at most this many distinct integer values as classes.
  static constexpr std::size_t kMaxAutoClasses = 20;

  /// The target column: `requested` when not empty (kInvalidArgument listing the columns when
  /// there is no such column), else one named "target", else "label", else the last column.
  /// A dataset needs at least two columns (a feature and the target).
  static Result<std::size_t> choose_column(const Dataset& dataset, const std::string& requested);

  /// Fits the target to a column. `task` is "classification", "regression" or "auto" (a
  /// categorical column, or a numeric one of few distinct integers, is classification; any
  /// other numeric column regression). kInvalidArgument for an unknown task, a regression on
  /// text, a target with no values, one class only, or more than kMaxClasses classes.
  static Result<Target> fit(const Dataset& dataset, std::size_t column, const std::string& task);

  /// From to_json(); kInvalidArgument when malformed.
  static Result<Target> from_json(const nlohmann::json& json);
  /// {"name", "task", "classes"?: [...], "class_type"?: "number" | "string"}
  nlohmann::json to_json() const;

  const std::string& name() const { return name_; }
  Task task() const { return task_; }
  const std::vector<std::string>& classes() const { return classes_; }

  /// One label per row of the dataset the target was fit on: the class index or the value;
  /// NaN where the target is missing.
  std::vector<float> labels(const Dataset& dataset) const;
  /// Class `index` as it was in the data: a JSON number for a numeric column, else a string.
  nlohmann::json class_value(std::size_t index) const;

 private:
  std::string name_;
  Task task_ = Task::kRegression;
  std::vector<std::string> classes_;
  bool numeric_classes_ = false;
};

}  // namespace chatdb::ml
