#include "ml/training_params.h"

#include "ml/param_reader.h"

namespace chatdb::ml {

Result<TrainingParams> TrainingParams::parse(const std::string& algorithm, const nlohmann::json& params) {
  if (algorithm != "xgboost" && algorithm != "linear") {
    return Error::invalid("algorithm '" + algorithm + "' is not one of xgboost, linear");
  }
  if (!params.is_null() && !params.is_object()) return Error::invalid("'params' must be an object of parameter -> value");
  nlohmann::json rest = params.is_null() ? nlohmann::json::object() : params;
  TrainingParams p;
  p.algorithm = algorithm;
  ParamReader r(rest);
  for (Status s : {r.number("validation_fraction", p.validation_fraction, 0.05, 0.5), r.integer("seed", p.seed, 0, 2147483647),
                   r.text("categorical_encoding", p.categorical_encoding)}) {
    if (!s) return s.error();
  }
  if (p.categorical_encoding != "auto" && p.categorical_encoding != "onehot" && p.categorical_encoding != "codes") {
    return Error::invalid("parameter 'categorical_encoding' must be auto, onehot or codes");
  }
  if (algorithm == "xgboost") {
    auto x = XgboostParams::take(rest);
    if (!x) return x.error();
    p.xgboost = *x;
  } else {
    auto l = LinearParams::take(rest);
    if (!l) return l.error();
    p.linear = *l;
  }
  if (!rest.empty()) {
    std::string list = "validation_fraction, seed, categorical_encoding";
    const nlohmann::json specific = algorithm == "xgboost" ? p.xgboost.to_json() : p.linear.to_json();
    for (const auto& [key, _] : specific.items()) list += ", " + key;
    return Error::invalid("unknown parameter '" + rest.begin().key() + "' for " + algorithm + "; accepted: " + list);
  }
  return p;
}

nlohmann::json TrainingParams::to_json() const {
  nlohmann::json out = algorithm == "xgboost" ? xgboost.to_json() : linear.to_json();
  out["validation_fraction"] = validation_fraction;
  out["seed"] = seed;
  out["categorical_encoding"] = categorical_encoding;
  return out;
}

}  // namespace chatdb::ml
