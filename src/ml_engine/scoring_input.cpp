#include "ml_engine/scoring_input.h"

#include "common/json_parse.h"
#include "ml/csv_parser.h"
#include "ml/dataset.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <limits>
#include <unordered_set>

namespace chatdb::ml_engine {

struct ScoringInput::Document {
  simdjson::dom::parser parser;
  simdjson::dom::element rows;  // the JSON layouts' rows
  std::string csv;
};

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

constexpr float kMissing = std::numeric_limits<float>::quiet_NaN();
constexpr std::ptrdiff_t kDropped = -1;
constexpr std::ptrdiff_t kUnknown = -2;

const char* const kUsage =
    "the body is {\"model\": NAME, \"version\": NUMBER or \"alias\": NAME (optional), and one of "
    "\"instances\" or \"dataframe_records\": [{feature: value}, ...], "
    "\"dataframe_split\": {\"columns\": [feature, ...], \"data\": [[value, ...], ...]}, "
    "\"inputs\": {feature: [value, ...]}}; or a text/csv body with ?model=NAME&version=NUMBER";

std::string quoted_list(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "'" : ", '") + n + "'";
  return out;
}

std::string shown(element v) {
  std::string text = simdjson::minify(v);
  return text.size() > 64 ? text.substr(0, 61) + "..." : text;
}

/// Writes values of one request into the feature matrix, the way FeatureEncoder does.
class MatrixWriter {
 public:
  MatrixWriter(const ml::FeatureEncoder& encoder, const std::string& target) : encoder_(encoder) {
    dropped_.insert(target);
    for (const auto& c : encoder.ignored()) dropped_.insert(c.name);
  }

  std::size_t width() const { return encoder_.width(); }
  std::size_t features() const { return encoder_.features().size(); }

  /// A column's feature, kDropped (the target or an ignored column) or kUnknown.
  std::ptrdiff_t column(const std::string& name) const {
    std::ptrdiff_t f = encoder_.feature_index(name);
    if (f >= 0) return f;
    return dropped_.count(name) ? kDropped : kUnknown;
  }

  Status reserve(FeatureMatrix& m, std::size_t rows) const {
    if (rows > ScoringInput::kMaxValues / std::max<std::size_t>(1, width())) {
      return Error{ErrorCode::kPayloadTooLarge,
                   std::to_string(rows) + " rows of " + std::to_string(width()) + " model inputs are more than one request may carry (" +
                       std::to_string(ScoringInput::kMaxValues) + " values); send smaller batches",
                   false};
    }
    m.values.assign(rows * width(), 0.0f);
    m.rows = rows;
    return Status::success();
  }

  Status put(std::size_t f, element v, float* row, const char* label, std::size_t r) const {
    const ml::Feature& feature = encoder_.features()[f];
    float* at = row + encoder_.offset(f);
    const element_type type = v.type();
    const bool number = type == element_type::INT64 || type == element_type::UINT64 || type == element_type::DOUBLE;
    if (feature.encoding == ml::Encoding::kNumber) {
      if (type == element_type::NULL_VALUE) {
        *at = kMissing;
      } else if (number) {
        *at = static_cast<float>(double(v));
      } else {
        return Error::invalid(std::string(label) + " " + std::to_string(r) + ": feature '" + feature.name + "' is numeric; got " +
                              shown(v) + " (send a number, or null when missing)");
      }
      return Status::success();
    }
    std::int64_t p = -1;
    if (type == element_type::STRING) {
      p = encoder_.category_index(f, std::string(std::string_view(v)));
    } else if (number) {
      p = encoder_.category_index(f, ml::format_number(double(v)));
    } else if (type != element_type::NULL_VALUE) {
      return Error::invalid(std::string(label) + " " + std::to_string(r) + ": feature '" + feature.name + "' is categorical; got " +
                            shown(v) + " (send a string, or null when missing)");
    }
    place(feature, at, p);
    return Status::success();
  }

  Status put_text(std::size_t f, std::string_view text, float* row, std::uint64_t line) const {
    const ml::Feature& feature = encoder_.features()[f];
    float* at = row + encoder_.offset(f);
    if (feature.encoding == ml::Encoding::kNumber) {
      double value = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (text.empty()) {
        *at = kMissing;
      } else if (ec == std::errc() && end == text.data() + text.size()) {
        *at = static_cast<float>(value);
      } else {
        return Error::invalid("CSV line " + std::to_string(line) + ": feature '" + feature.name + "' is numeric; got '" +
                              std::string(text.substr(0, 64)) + "' (send a number, or an empty field when missing)");
      }
      return Status::success();
    }
    place(feature, at, text.empty() ? -1 : encoder_.category_index(f, std::string(text)));
    return Status::success();
  }

  /// The error for a row (or a header) that names unknown features or misses some.
  Status check(const std::vector<char>& seen, const std::vector<std::string>& unknown, const std::string& where) const {
    std::vector<std::string> missing;
    for (std::size_t f = 0; f < features(); ++f) {
      if (!seen[f]) missing.push_back(encoder_.features()[f].name);
    }
    if (unknown.empty() && missing.empty()) return Status::success();
    std::string message = where + ":";
    if (!unknown.empty()) message += " unknown feature" + std::string(unknown.size() > 1 ? "s " : " ") + quoted_list(unknown) + ";";
    if (!missing.empty()) message += " missing feature" + std::string(missing.size() > 1 ? "s " : " ") + quoted_list(missing) + ";";
    std::vector<std::string> names;
    for (const auto& f : encoder_.features()) names.push_back(f.name);
    return Error::invalid(message + " the model's features are " + quoted_list(names) + " (null for a missing value)");
  }

 private:
  static void place(const ml::Feature& feature, float* at, std::int64_t p) {
    if (feature.encoding == ml::Encoding::kOneHot) {
      if (p >= 0) at[p] = 1.0f;
    } else {
      *at = p < 0 ? kMissing : static_cast<float>(p);
    }
  }

  const ml::FeatureEncoder& encoder_;
  std::unordered_set<std::string> dropped_;
};

/// Columns named once for all rows (dataframe_split, inputs by column, a CSV header): each
/// column's feature or kDropped; unknown, missing and repeated names are refused.
Result<std::vector<std::ptrdiff_t>> map_columns(const MatrixWriter& w, const std::vector<std::string>& names,
                                                const std::string& where) {
  std::vector<std::ptrdiff_t> out;
  std::vector<char> seen(w.features());
  std::vector<std::string> unknown;
  for (const auto& name : names) {
    std::ptrdiff_t f = w.column(name);
    if (f == kUnknown) unknown.push_back(name);
    if (f >= 0) {
      if (seen[static_cast<std::size_t>(f)]) return Error::invalid(where + ": column '" + name + "' appears twice");
      seen[static_cast<std::size_t>(f)] = 1;
    }
    out.push_back(f);
  }
  if (Status s = w.check(seen, unknown, where); !s) return s.error();
  return out;
}

Result<FeatureMatrix> encode_records(const MatrixWriter& w, simdjson::dom::array rows) {
  FeatureMatrix m;
  if (Status s = w.reserve(m, rows.size()); !s) return s.error();
  std::vector<char> seen(w.features());
  std::vector<std::string> unknown;
  std::string name;
  std::size_t r = 0;
  for (element instance : rows) {
    simdjson::dom::object fields;
    if (instance.get(fields)) return Error::invalid("instance " + std::to_string(r) + " is not an object {feature: value}");
    std::fill(seen.begin(), seen.end(), 0);
    unknown.clear();
    float* row = m.values.data() + r * w.width();
    for (auto field : fields) {
      name.assign(field.key);
      std::ptrdiff_t f = w.column(name);
      if (f == kUnknown) unknown.push_back(name);
      if (f < 0) continue;
      seen[static_cast<std::size_t>(f)] = 1;
      if (Status s = w.put(static_cast<std::size_t>(f), field.value, row, "instance", r); !s) return s.error();
    }
    if (Status s = w.check(seen, unknown, "instance " + std::to_string(r)); !s) return s.error();
    ++r;
  }
  return m;
}

Result<std::vector<std::string>> names_of(element list, const std::string& what) {
  simdjson::dom::array array;
  if (list.get(array)) return Error::invalid(what + " must be an array of feature names");
  std::vector<std::string> names;
  for (element name : array) {
    std::string_view text;
    if (name.get(text)) return Error::invalid(what + " must be an array of feature names");
    names.emplace_back(text);
  }
  return names;
}

Result<FeatureMatrix> encode_split(const MatrixWriter& w, simdjson::dom::object split) {
  std::optional<element> columns_json, data_json;
  for (auto field : split) {
    if (field.key == "columns") columns_json = field.value;
    else if (field.key == "data") data_json = field.value;
    else if (field.key != "index") return Error::invalid("unknown field 'dataframe_split." + std::string(field.key) + "'; " + kUsage);
  }
  simdjson::dom::array data;
  if (!data_json || data_json->get(data) || data.size() == 0) {
    return Error::invalid("'dataframe_split.data' must be a non-empty array of rows [value, ...]; " + std::string(kUsage));
  }
  if (!columns_json) return Error::invalid("'dataframe_split.columns' must be an array of feature names");
  auto names = names_of(*columns_json, "'dataframe_split.columns'");
  if (!names) return names.error();
  auto columns = map_columns(w, *names, "dataframe_split.columns");
  if (!columns) return columns.error();
  FeatureMatrix m;
  if (Status s = w.reserve(m, data.size()); !s) return s.error();
  std::size_t r = 0;
  for (element values : data) {
    simdjson::dom::array row_values;
    if (values.get(row_values) || row_values.size() != columns->size()) {
      return Error::invalid("row " + std::to_string(r) + " of dataframe_split.data must be an array of " +
                            std::to_string(columns->size()) + " values, one per column");
    }
    float* row = m.values.data() + r * w.width();
    std::size_t c = 0;
    for (element v : row_values) {
      std::ptrdiff_t f = (*columns)[c++];
      if (f < 0) continue;
      if (Status s = w.put(static_cast<std::size_t>(f), v, row, "row", r); !s) return s.error();
    }
    ++r;
  }
  return m;
}

Result<FeatureMatrix> encode_columns(const MatrixWriter& w, simdjson::dom::object inputs) {
  std::vector<std::string> names;
  std::vector<simdjson::dom::array> values;
  for (auto field : inputs) {
    simdjson::dom::array column;
    if (field.value.get(column)) {
      return Error::invalid("'inputs." + std::string(field.key) + "' must be an array of values, one per row");
    }
    if (!values.empty() && column.size() != values.front().size()) {
      return Error::invalid("every column of 'inputs' must hold the same number of values");
    }
    names.emplace_back(field.key);
    values.push_back(column);
  }
  auto columns = map_columns(w, names, "inputs");
  if (!columns) return columns.error();
  FeatureMatrix m;
  if (values.front().size() == 0) return Error::invalid("the columns of 'inputs' hold no rows");
  if (Status s = w.reserve(m, values.front().size()); !s) return s.error();
  for (std::size_t c = 0; c < names.size(); ++c) {
    std::ptrdiff_t f = (*columns)[c];
    if (f < 0) continue;
    std::size_t r = 0;
    for (element v : values[c]) {
      if (Status s = w.put(static_cast<std::size_t>(f), v, m.values.data() + r * w.width(), "row", r); !s) return s.error();
      ++r;
    }
  }
  return m;
}

Result<FeatureMatrix> encode_csv(const MatrixWriter& w, const std::string& text) {
  FeatureMatrix m;
  std::optional<std::vector<std::ptrdiff_t>> columns;
  ml::CsvParser parser([&](const std::vector<ml::CsvField>& fields, std::uint64_t line) -> Status {
    if (!columns) {
      std::vector<std::string> names;
      for (const auto& f : fields) names.emplace_back(f.text);
      auto mapped = map_columns(w, names, "the CSV header");
      if (!mapped) return mapped.error();
      columns = std::move(*mapped);
      return Status::success();
    }
    if (fields.size() != columns->size()) {
      return Error::invalid("CSV line " + std::to_string(line) + " has " + std::to_string(fields.size()) + " fields; the header has " +
                            std::to_string(columns->size()));
    }
    if ((m.rows + 1) * w.width() > ScoringInput::kMaxValues) {
      return Error{ErrorCode::kPayloadTooLarge, "the CSV holds more values than one request may carry; send smaller batches", false};
    }
    m.values.resize((m.rows + 1) * w.width(), 0.0f);
    float* row = m.values.data() + m.rows * w.width();
    for (std::size_t c = 0; c < fields.size(); ++c) {
      std::ptrdiff_t f = (*columns)[c];
      if (f < 0) continue;
      if (Status s = w.put_text(static_cast<std::size_t>(f), fields[c].text, row, line); !s) return s;
    }
    ++m.rows;
    return Status::success();
  });
  if (Status s = parser.feed(text); !s) return s.error();
  if (Status s = parser.finish(); !s) return s.error();
  if (m.rows == 0) return Error::invalid("the CSV body holds no rows: send a header of feature names, then one row per instance");
  return m;
}

}  // namespace

Result<ScoringInput> ScoringInput::from_json(std::string_view body) {
  auto document = std::make_shared<Document>();
  // The same limits, and the same words, as every other JSON body (parse_json).
  const JsonLimits limits;
  element root;
  auto error = document->parser.allocate(std::max<std::size_t>(body.size(), 1), limits.max_depth);
  if (!error) error = document->parser.parse(body.data(), body.size()).get(root);
  if (error == simdjson::DEPTH_ERROR) {
    return Error::invalid("the body: the JSON is nested deeper than the limit of " + std::to_string(limits.max_depth) +
                          " levels of arrays and objects");
  }
  if (error == simdjson::NUMBER_ERROR) {
    return Error::invalid("the body: the JSON holds a number out of range (such as 1e999) or malformed");
  }
  if (error == simdjson::MEMALLOC || error == simdjson::CAPACITY) {
    return Error{ErrorCode::kPayloadTooLarge, "the body is too large to read; send smaller batches", false};
  }
  if (error) return Error::invalid(std::string("the body is not valid JSON (") + simdjson::error_message(error) + "); " + kUsage);
  simdjson::dom::object fields;
  if (root.get(fields)) return Error::invalid(std::string("the body must be a JSON object; ") + kUsage);
  ScoringInput in;
  std::vector<std::string> layouts;
  for (auto field : fields) {
    const std::string_view key = field.key;
    if (key == "model") {
      std::string_view name;
      if (field.value.get(name) || name.empty()) {
        return Error::invalid(std::string("'model' must be the name of a registered model; ") + kUsage);
      }
      in.model_ = name;
    } else if (key == "version") {
      std::int64_t v = 0;
      if (field.value.type() != element_type::INT64 || field.value.get(v) || v < 1) {
        return Error::invalid("'version' must be a version number (1, 2, ...)");
      }
      in.version_ = v;
    } else if (key == "alias") {
      std::string_view alias;
      if (field.value.get(alias) || alias.empty()) return Error::invalid("'alias' must be an alias name such as \"production\"");
      in.alias_ = alias;
    } else if (key == "instances" || key == "dataframe_records" || key == "dataframe_split" || key == "inputs") {
      layouts.emplace_back(key);
      document->rows = field.value;
    } else {
      return Error::invalid("unknown field '" + std::string(key) + "'; " + kUsage);
    }
  }
  if (in.model_.empty()) return Error::invalid(std::string("'model' must be the name of a registered model; ") + kUsage);
  if (in.version_ && !in.alias_.empty()) return Error::invalid("give 'version' or 'alias', not both");
  if (layouts.size() > 1) return Error::invalid("give the rows once: " + quoted_list(layouts) + " are alternatives");
  if (layouts.empty()) return Error::invalid(std::string("'instances' must be a non-empty array of objects; ") + kUsage);
  in.field_ = layouts.front();
  const element rows = document->rows;
  if (in.field_ == "dataframe_split") {
    if (!rows.is_object()) return Error::invalid(std::string("'dataframe_split' must be an object; ") + kUsage);
    in.layout_ = Layout::kSplit;
  } else if (in.field_ == "inputs" && rows.is_object()) {
    if (simdjson::dom::object(rows).size() == 0) return Error::invalid(std::string("'inputs' names no column; ") + kUsage);
    in.layout_ = Layout::kColumns;
  } else {
    simdjson::dom::array array;
    if (rows.get(array) || array.size() == 0) {
      return Error::invalid("'" + in.field_ + "' must be a non-empty array of objects; " + kUsage);
    }
    in.layout_ = Layout::kRecords;
  }
  in.document_ = std::move(document);
  return in;
}

Result<ScoringInput> ScoringInput::from_csv(std::string body, const std::map<std::string, std::string>& query) {
  ScoringInput in;
  for (const auto& [key, value] : query) {
    if (key == "model") {
      in.model_ = value;
    } else if (key == "version") {
      std::int64_t v = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
      if (ec != std::errc() || end != value.data() + value.size() || v < 1) {
        return Error::invalid("?version= must be a version number (1, 2, ...)");
      }
      in.version_ = v;
    } else if (key == "alias") {
      in.alias_ = value;
    } else {
      return Error::invalid("unknown query parameter '" + key + "'; a text/csv body takes ?model=NAME&version=NUMBER or &alias=NAME");
    }
  }
  if (in.model_.empty()) return Error::invalid("a text/csv body needs ?model=NAME (and optionally &version=NUMBER or &alias=NAME)");
  if (in.version_ && !in.alias_.empty()) return Error::invalid("give ?version= or ?alias=, not both");
  if (query.count("alias") && in.alias_.empty()) return Error::invalid("?alias= must be an alias name such as production");
  auto document = std::make_shared<Document>();
  document->csv = std::move(body);
  in.layout_ = Layout::kCsv;
  in.field_ = "text/csv";
  in.document_ = std::move(document);
  return in;
}

Result<FeatureMatrix> ScoringInput::encode(const ml::FeatureEncoder& encoder, const std::string& target) const {
  MatrixWriter writer(encoder, target);
  switch (layout_) {
    case Layout::kRecords:
      return encode_records(writer, simdjson::dom::array(document_->rows));
    case Layout::kSplit:
      return encode_split(writer, simdjson::dom::object(document_->rows));
    case Layout::kColumns:
      return encode_columns(writer, simdjson::dom::object(document_->rows));
    case Layout::kCsv:
      return encode_csv(writer, document_->csv);
  }
  return Error::internal("unknown scoring layout");
}

}  // namespace chatdb::ml_engine
