#pragma once

#include "common/error.h"

#include <nlohmann/json.hpp>

#include <string>

namespace chatdb::ml {

/// Reads training parameters from a JSON object, one key at a time, removing each key it
/// reads so that what is left at the end is unknown. Ranges are inclusive.
class ParamReader {
 public:
  explicit ParamReader(nlohmann::json& params) : params_(params) {}

  Status integer(const char* key, int& out, int min, int max);
  Status number(const char* key, double& out, double min, double max, bool exclusive_min = false);
  Status text(const char* key, std::string& out);

 private:
  nlohmann::json& params_;
};

}  // namespace chatdb::ml
