#include "ml/param_reader.h"

#include "ml/dataset.h"

#include <cmath>

namespace chatdb::ml {

Status ParamReader::integer(const char* key, int& out, int min, int max) {
  if (!params_.contains(key)) return Status::success();
  const auto& v = params_[key];
  bool whole = v.is_number_integer() || (v.is_number_float() && v.get<double>() == std::floor(v.get<double>()));
  if (!whole || v.is_boolean() || v.get<double>() < min || v.get<double>() > max) {
    return Error::invalid(std::string("parameter '") + key + "' must be an integer from " + std::to_string(min) + " to " +
                          std::to_string(max) + "; got " + v.dump());
  }
  out = static_cast<int>(v.get<double>());
  params_.erase(key);
  return Status::success();
}

Status ParamReader::number(const char* key, double& out, double min, double max, bool exclusive_min) {
  if (!params_.contains(key)) return Status::success();
  const auto& v = params_[key];
  bool ok = v.is_number() && !v.is_boolean();
  double x = ok ? v.get<double>() : 0.0;
  ok = ok && (exclusive_min ? x > min : x >= min) && x <= max;
  if (!ok) {
    return Error::invalid(std::string("parameter '") + key + "' must be a number " + (exclusive_min ? "over " : "from ") +
                          format_number(min) + " to " + format_number(max) + "; got " + v.dump());
  }
  out = x;
  params_.erase(key);
  return Status::success();
}

Status ParamReader::text(const char* key, std::string& out) {
  if (!params_.contains(key)) return Status::success();
  if (!params_[key].is_string()) return Error::invalid(std::string("parameter '") + key + "' must be a string");
  out = params_[key].get<std::string>();
  params_.erase(key);
  return Status::success();
}

}  // namespace chatdb::ml
