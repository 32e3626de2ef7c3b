#include "metadata/metadata_store.h"

#include <charconv>
#include <string>

namespace chatdb::metadata {

bool is_null(const Value& v) { return std::holds_alternative<std::nullptr_t>(v); }

std::int64_t as_int(const Value& v, std::int64_t fallback) {
  if (auto i = std::get_if<std::int64_t>(&v)) return *i;
  if (auto d = std::get_if<double>(&v)) return static_cast<std::int64_t>(*d);
  if (auto s = std::get_if<std::string>(&v)) {
    std::int64_t out = fallback;
    std::from_chars(s->data(), s->data() + s->size(), out);
    return out;
  }
  return fallback;
}

double as_double(const Value& v, double fallback) {
  if (auto d = std::get_if<double>(&v)) return *d;
  if (auto i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
  if (auto s = std::get_if<std::string>(&v)) {
    try {
      return std::stod(*s);
    } catch (...) {
      return fallback;
    }
  }
  return fallback;
}

std::string as_text(const Value& v, const std::string& fallback) {
  if (auto s = std::get_if<std::string>(&v)) return *s;
  if (auto i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  if (auto d = std::get_if<double>(&v)) return std::to_string(*d);
  return fallback;
}

}  // namespace chatdb::metadata
