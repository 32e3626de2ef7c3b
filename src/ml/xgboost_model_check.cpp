#include "ml/xgboost_model_check.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <string>
#include <vector>

namespace chatdb::ml {
namespace {

constexpr std::size_t kMaxFeatures = std::size_t{1} << 20;
constexpr std::size_t kMaxClasses = 1000;
constexpr std::size_t kMaxTrees = 100000;
constexpr std::size_t kMaxNodes = std::size_t{1} << 20;  // per tree
constexpr std::size_t kMaxDepth = 256;
constexpr std::int64_t kNoChild = -1;
constexpr std::int64_t kNoParent = 2147483647;  // how XGBoost writes the root's parent

Error bad(const std::string& what) {
  return Error::unprocessable("the model artifact is not a valid XGBoost model: " + what);
}

const nlohmann::json* member(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

// XGBoost writes its parameters as decimal strings ("num_feature": "8").
Result<std::size_t> count_param(const nlohmann::json& object, const char* key, std::size_t max) {
  const auto* value = member(object, key);
  if (!value || !value->is_string()) return bad(std::string("'") + key + "' is missing or not a number in a string");
  const auto& text = value->get_ref<const std::string&>();
  std::size_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n > max) {
    return bad(std::string("'") + key + "' must be a whole number up to " + std::to_string(max));
  }
  return n;
}

// An array of integers of exactly `n` elements.
Result<std::vector<std::int64_t>> int_array(const nlohmann::json& tree, const char* key, std::size_t n) {
  const auto* value = member(tree, key);
  if (!value || !value->is_array() || value->size() != n) {
    return bad(std::string("a tree's '") + key + "' is not an array of its " + std::to_string(n) + " nodes");
  }
  std::vector<std::int64_t> out;
  out.reserve(n);
  for (const auto& v : *value) {
    if (!v.is_number_integer()) return bad(std::string("a tree's '") + key + "' holds a value that is not an integer");
    out.push_back(v.get<std::int64_t>());
  }
  return out;
}

Status numbers_array(const nlohmann::json& tree, const char* key, std::size_t n) {
  const auto* value = member(tree, key);
  if (!value || !value->is_array() || value->size() != n ||
      !std::all_of(value->begin(), value->end(), [](const auto& v) { return v.is_number(); })) {
    return bad(std::string("a tree's '") + key + "' is not an array of numbers for its " + std::to_string(n) + " nodes");
  }
  return Status::success();
}

// One tree: consistent arrays, a proper binary tree from node 0, numerical splits on known
// features. Returns its depth (a lone leaf has depth 1).
Result<std::size_t> check_tree(const nlohmann::json& tree, std::size_t index, std::size_t features) {
  const std::string which = "tree " + std::to_string(index);
  const auto* id = member(tree, "id");
  if (!id || !id->is_number_integer() || id->get<std::int64_t>() != static_cast<std::int64_t>(index)) {
    return bad(which + " does not carry its position as 'id'");
  }
  const auto* param = member(tree, "tree_param");
  if (!param) return bad(which + " has no 'tree_param'");
  auto n = count_param(*param, "num_nodes", kMaxNodes);
  if (!n) return n.error();
  if (*n == 0) return bad(which + " has no nodes");
  auto deleted = count_param(*param, "num_deleted", 0);
  if (!deleted) return bad(which + " has deleted nodes");
  auto tree_features = count_param(*param, "num_feature", kMaxFeatures);
  if (!tree_features || *tree_features != features) return bad(which + " does not have the model's feature count");
  if (auto leaf_vector = count_param(*param, "size_leaf_vector", 0); !leaf_vector) return bad(which + " has vector leaves");

  auto left = int_array(tree, "left_children", *n);
  auto right = int_array(tree, "right_children", *n);
  auto parents = int_array(tree, "parents", *n);
  auto split_indices = int_array(tree, "split_indices", *n);
  auto split_type = int_array(tree, "split_type", *n);
  auto default_left = int_array(tree, "default_left", *n);
  for (const auto* a : {&left, &right, &parents, &split_indices, &split_type, &default_left}) {
    if (!*a) return a->error();
  }
  for (const char* key : {"split_conditions", "base_weights", "loss_changes", "sum_hessian"}) {
    if (Status st = numbers_array(tree, key, *n); !st) return st.error();
  }
  for (const char* key : {"categories", "categories_nodes", "categories_segments", "categories_sizes"}) {
    const auto* c = member(tree, key);
    if (c && (!c->is_array() || !c->empty())) return bad(which + " has categorical splits, which ChatDB does not train");
  }
  if ((*parents)[0] != kNoParent) return bad(which + ": its root has a parent");
  // Walk from the root, depth first; every node must be reached exactly once.
  std::vector<std::uint32_t> depth(*n, 0);
  std::vector<std::size_t> stack{0};
  depth[0] = 1;
  std::size_t reached = 1, deepest = 1;
  while (!stack.empty()) {
    std::size_t node = stack.back();
    stack.pop_back();
    if ((*split_type)[node] != 0) return bad(which + " has categorical splits, which ChatDB does not train");
    std::int64_t l = (*left)[node], r = (*right)[node];
    if (l == kNoChild && r == kNoChild) continue;
    if ((*split_indices)[node] < 0 || static_cast<std::size_t>((*split_indices)[node]) >= features) {
      return bad(which + " splits on feature " + std::to_string((*split_indices)[node]) + "; the model has " +
                 std::to_string(features));
    }
    for (std::int64_t child : {l, r}) {
      if (child <= 0 || static_cast<std::size_t>(child) >= *n) {
        return bad(which + ": node " + std::to_string(node) + " has child " + std::to_string(child) + " out of range");
      }
      auto c = static_cast<std::size_t>(child);
      if (depth[c] != 0) return bad(which + ": node " + std::to_string(c) + " is reached twice (a cycle or a shared child)");
      if ((*parents)[c] != static_cast<std::int64_t>(node)) return bad(which + ": node " + std::to_string(c) + " names the wrong parent");
      depth[c] = depth[node] + 1;
      if (depth[c] > kMaxDepth) return bad(which + " is deeper than " + std::to_string(kMaxDepth));
      deepest = std::max<std::size_t>(deepest, depth[c]);
      ++reached;
      stack.push_back(c);
    }
  }
  if (reached != *n) return bad(which + " has nodes its root does not reach");
  return deepest;
}

}  // namespace

Result<XgboostModelShape> check_xgboost_model(const nlohmann::json& doc, std::size_t width) {
  const auto* learner = member(doc, "learner");
  if (!learner || !learner->is_object()) return bad("it has no 'learner' object");
  const auto* params = member(*learner, "learner_model_param");
  if (!params) return bad("it has no 'learner_model_param'");
  auto features = count_param(*params, "num_feature", kMaxFeatures);
  if (!features) return features.error();
  if (*features == 0 || (width != 0 && *features != width)) {
    return bad("it has " + std::to_string(*features) + " inputs; its metadata describes " + std::to_string(width));
  }
  auto classes = count_param(*params, "num_class", kMaxClasses);
  if (!classes) return classes.error();
  if (member(*params, "num_target")) {
    if (auto targets = count_param(*params, "num_target", 1); !targets || *targets != 1) return bad("it has more than one target");
  }

  const auto* objective = member(*learner, "objective");
  const auto* objective_name = objective ? member(*objective, "name") : nullptr;
  const std::string name = objective_name && objective_name->is_string() ? objective_name->get<std::string>() : "";
  if (name != "reg:squarederror" && name != "binary:logistic" && name != "multi:softprob") {
    return bad("its objective '" + name + "' is not reg:squarederror, binary:logistic or multi:softprob");
  }
  if ((name == "multi:softprob") != (*classes >= 2)) return bad("its objective does not match its class count");
  if (const auto* softmax = member(*objective, "softmax_multiclass_param")) {
    auto k = count_param(*softmax, "num_class", kMaxClasses);
    if (!k || *k != *classes) return bad("its objective's class count differs from the learner's");
  }

  const auto* booster = member(*learner, "gradient_booster");
  const auto* booster_name = booster ? member(*booster, "name") : nullptr;
  if (!booster_name || *booster_name != "gbtree") return bad("its booster is not gbtree");
  const auto* model = member(*booster, "model");
  const auto* model_param = model ? member(*model, "gbtree_model_param") : nullptr;
  if (!model_param) return bad("it has no 'gbtree_model_param'");
  auto count = count_param(*model_param, "num_trees", kMaxTrees);
  if (!count) return count.error();
  if (auto parallel = count_param(*model_param, "num_parallel_tree", 1); !parallel || *parallel != 1) {
    return bad("'num_parallel_tree' must be 1");
  }
  const auto* trees = member(*model, "trees");
  const auto* tree_info = member(*model, "tree_info");
  if (!trees || !trees->is_array() || trees->size() != *count) return bad("'trees' does not hold 'num_trees' trees");
  if (!tree_info || !tree_info->is_array() || tree_info->size() != *count) return bad("'tree_info' does not have one entry per tree");
  const std::size_t groups = std::max<std::size_t>(1, *classes);
  XgboostModelShape shape{*features, *count, 0};
  for (std::size_t i = 0; i < *count; ++i) {
    const auto& group = (*tree_info)[i];
    if (!group.is_number_integer() || group.get<std::int64_t>() < 0 || group.get<std::int64_t>() >= static_cast<std::int64_t>(groups)) {
      return bad("tree " + std::to_string(i) + " belongs to an output group out of range");
    }
    auto depth = check_tree((*trees)[i], i, *features);
    if (!depth) return depth.error();
    shape.steps_per_row += *depth;
  }
  return shape;
}

}  // namespace chatdb::ml
