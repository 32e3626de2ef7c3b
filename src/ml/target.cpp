#include "ml/target.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <set>

namespace chatdb::ml {
namespace {

std::string column_list(const Dataset& dataset) {
  std::string out;
  for (const auto& c : dataset.columns) out += (out.empty() ? "" : ", ") + c.name;
  return out;
}

double parse_class(const std::string& text) {
  double value = std::numeric_limits<double>::quiet_NaN();
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

}  // namespace

std::string_view to_string(Task task) { return task == Task::kClassification ? "classification" : "regression"; }

Result<std::size_t> Target::choose_column(const Dataset& dataset, const std::string& requested) {
  if (dataset.columns.size() < 2) {
    return Error::invalid("the dataset has " + std::to_string(dataset.columns.size()) +
                          " column; training needs at least one feature column and a target column");
  }
  if (!requested.empty()) {
    if (auto i = dataset.index_of(requested)) return *i;
    return Error::invalid("the target column '" + requested + "' is not in the dataset; its columns are: " + column_list(dataset));
  }
  for (const char* name : {"target", "label"}) {
    if (auto i = dataset.index_of(name)) return *i;
  }
  return dataset.columns.size() - 1;
}

Result<Target> Target::fit(const Dataset& dataset, std::size_t column, const std::string& task) {
  if (task != "auto" && task != "classification" && task != "regression") {
    return Error::invalid("task '" + task + "' is not one of classification, regression, auto");
  }
  const Column& c = dataset.columns[column];
  Target t;
  t.name_ = c.name;
  if (c.present() == 0) return Error::invalid("the target column '" + c.name + "' has no values");
  if (c.type == ColumnType::kCategorical) {
    if (task == "regression") {
      return Error::invalid("the target column '" + c.name + "' holds text (such as '" + c.categories.front() +
                            "'); regression needs numbers: use task=classification or another target");
    }
    t.task_ = Task::kClassification;
    t.classes_ = c.categories;
    std::sort(t.classes_.begin(), t.classes_.end());
  } else {
    std::set<double> distinct;
    bool integral = true;
    for (double v : c.numbers) {
      if (std::isnan(v)) continue;
      integral = integral && v == std::floor(v);
      if (distinct.size() <= kMaxClasses) distinct.insert(v);
    }
    bool classify = task == "classification" || (task == "auto" && integral && distinct.size() <= kMaxAutoClasses);
    if (!classify) {
      t.task_ = Task::kRegression;
      return t;
    }
    t.task_ = Task::kClassification;
    t.numeric_classes_ = true;
    for (double v : distinct) t.classes_.push_back(format_number(v));
  }
  if (t.classes_.size() < 2) {
    return Error::invalid("the target column '" + c.name + "' has a single value ('" + t.classes_.front() +
                          "'); classification needs at least two classes");
  }
  if (t.classes_.size() > kMaxClasses) {
    return Error::invalid("the target column '" + c.name + "' has more than " + std::to_string(kMaxClasses) +
                          " distinct values, too many classes; use task=regression for a number, or another target");
  }
  return t;
}

std::vector<float> Target::labels(const Dataset& dataset) const {
  const Column& c = dataset.columns[*dataset.index_of(name_)];
  std::vector<float> out(c.size(), std::numeric_limits<float>::quiet_NaN());
  if (task_ == Task::kRegression) {
    for (std::size_t i = 0; i < c.size(); ++i) out[i] = static_cast<float>(c.numbers[i]);
    return out;
  }
  if (numeric_classes_) {
    std::map<double, float> index;
    for (std::size_t k = 0; k < classes_.size(); ++k) index[parse_class(classes_[k])] = static_cast<float>(k);
    for (std::size_t i = 0; i < c.size(); ++i) {
      if (c.type != ColumnType::kNumeric || std::isnan(c.numbers[i])) continue;  // NaN would match any key
      if (auto it = index.find(c.numbers[i]); it != index.end()) out[i] = it->second;
    }
    return out;
  }
  // Codes of the column to class indices.
  std::map<std::string, float> index;
  for (std::size_t k = 0; k < classes_.size(); ++k) index[classes_[k]] = static_cast<float>(k);
  std::vector<float> of_code(c.categories.size(), std::numeric_limits<float>::quiet_NaN());
  for (std::size_t code = 0; code < c.categories.size(); ++code) {
    if (auto it = index.find(c.categories[code]); it != index.end()) of_code[code] = it->second;
  }
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (c.type == ColumnType::kCategorical && c.codes[i] >= 0) out[i] = of_code[static_cast<std::size_t>(c.codes[i])];
  }
  return out;
}

nlohmann::json Target::class_value(std::size_t index) const {
  const std::string& text = classes_[index];
  if (!numeric_classes_) return text;
  double v = parse_class(text);
  if (v == std::floor(v) && std::fabs(v) < 9.0e15) return static_cast<std::int64_t>(v);
  return v;
}

nlohmann::json Target::to_json() const {
  nlohmann::json out = {{"name", name_}, {"task", to_string(task_)}};
  if (task_ == Task::kClassification) {
    out["classes"] = classes_;
    out["class_type"] = numeric_classes_ ? "number" : "string";
  }
  return out;
}

Result<Target> Target::from_json(const nlohmann::json& json) {
  const Error bad = Error::invalid("model metadata: 'target' must be {\"name\", \"task\", \"classes\"?, \"class_type\"?}");
  if (!json.is_object() || !json.contains("name") || !json["name"].is_string() || !json.contains("task") ||
      !json["task"].is_string()) {
    return bad;
  }
  Target t;
  t.name_ = json["name"].get<std::string>();
  std::string task = json["task"].get<std::string>();
  if (task == "regression") {
    t.task_ = Task::kRegression;
    return t;
  }
  if (task != "classification" || !json.contains("classes") || !json["classes"].is_array() || json["classes"].size() < 2) return bad;
  t.task_ = Task::kClassification;
  for (const auto& c : json["classes"]) {
    if (!c.is_string()) return bad;
    t.classes_.push_back(c.get<std::string>());
  }
  t.numeric_classes_ = json.value("class_type", "string") == "number";
  return t;
}

}  // namespace chatdb::ml
