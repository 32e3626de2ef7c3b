// The model-document validator in front of XGBoost: whatever check_xgboost_model accepts must
// load into XGBoost and predict without crashing or hanging, since the library trusts its input.
#include "common/json_parse.h"
#include "ml/xgboost_model.h"
#include "ml/xgboost_model_check.h"
#include "tests/fuzz/fuzz_check.h"

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace {

// The task and class count a model document says it has (ServingModel reads them from the
// version's metadata instead).
std::pair<chatdb::ml::Task, std::size_t> task_of(const nlohmann::json& doc) {
  std::string objective = doc["learner"]["objective"]["name"].get<std::string>();
  if (objective == "reg:squarederror") return {chatdb::ml::Task::kRegression, 1};
  if (objective == "binary:logistic") return {chatdb::ml::Task::kClassification, 2};
  std::size_t classes = std::stoul(doc["learner"]["learner_model_param"]["num_class"].get<std::string>());
  return {chatdb::ml::Task::kClassification, classes};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto doc = chatdb::parse_json(text);
  if (!doc) return 0;
  auto shape = chatdb::ml::check_xgboost_model(*doc, 0);
  if (!shape) {
    FUZZ_CHECK(shape.error().code == chatdb::ErrorCode::kUnprocessable);
    FUZZ_CHECK(chatdb::fuzz::clean_message(shape.error().message, text));
    return 0;
  }
  FUZZ_CHECK(shape->features > 0);
  auto [task, classes] = task_of(*doc);
  auto model = chatdb::ml::XgboostModel::load(text, task, classes, shape->features);
  if (!model) {
    FUZZ_CHECK(chatdb::fuzz::clean_message(model.error().message, text));
    return 0;
  }
  std::vector<float> rows(3 * shape->features, 0.5f);
  rows[0] = std::numeric_limits<float>::quiet_NaN();
  auto out = (*model)->predict(rows.data(), 3);
  if (out) FUZZ_CHECK(out->values.size() == 3 * out->columns);
  return 0;
}
