#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace chatdb {

/// The fields of one flat JSON object, built by appending text without a DOM: for log lines
/// on hot paths. Keys are trusted literals; string values are escaped.
class JsonLine {
 public:
  JsonLine& add(std::string_view key, std::string_view value);
  JsonLine& add(std::string_view key, std::int64_t value);
  JsonLine& add(std::string_view key, double value);
  /// `,"k":v` pairs, ready to follow other members of an object.
  const std::string& members() const { return text_; }

 private:
  void key(std::string_view k);
  std::string text_;
};

}  // namespace chatdb
