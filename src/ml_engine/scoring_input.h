#pragma once

#include "common/error.h"
#include "ml/feature_encoder.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chatdb::ml_engine {

/// The rows of a request as a model's inputs: row-major, encoder.width() floats per row.
struct FeatureMatrix {
  std::vector<float> values;
  std::size_t rows = 0;
};

/// One POST /predict request, read but not yet encoded: which model and version, and its rows
/// in one of MLflow's scoring layouts, kept as parsed (simdjson's document, or the CSV text) so
/// that encode() writes them straight into the model's feature matrix.
///
/// JSON: {"model", "version"? | "alias"?, and exactly one of
///   "instances": [{feature: value}, ...]           (also "dataframe_records")
///   "dataframe_split": {"columns": [...], "data": [[...], ...], "index"?: [...]}
///   "inputs": {feature: [value, ...], ...} (columns) or [{feature: value}, ...]}
/// CSV (text/csv): a header row of feature names, then one row per instance; the model and
/// version come from the query (?model=&version= or &alias=). An empty CSV field is missing.
/// Values: numbers for numeric features, strings (or numbers, read as their text) for
/// categorical ones, null when missing. Every error is kInvalidArgument naming the row and
/// feature, or kPayloadTooLarge beyond kMaxValues encoded values. Immutable once read.
class ScoringInput {
 public:
  /// Encoded values one request may produce (rows x model width).
  static constexpr std::size_t kMaxValues = std::size_t{1} << 26;

  static Result<ScoringInput> from_json(std::string_view body);
  static Result<ScoringInput> from_csv(std::string body, const std::map<std::string, std::string>& query);

  const std::string& model() const { return model_; }
  const std::optional<std::int64_t>& version() const { return version_; }
  const std::string& alias() const { return alias_; }  // empty when none was given

  /// The rows, encoded as `encoder` does; columns named `target` (and the encoder's ignored
  /// columns) are accepted and dropped.
  Result<FeatureMatrix> encode(const ml::FeatureEncoder& encoder, const std::string& target) const;

  struct Document;  // the parsed body; defined in the .cpp, out of the headers' way

 private:
  enum class Layout { kRecords, kSplit, kColumns, kCsv };

  std::string model_;
  std::optional<std::int64_t> version_;
  std::string alias_;
  Layout layout_ = Layout::kRecords;
  std::string field_;  // the request's name for its rows ("instances", "dataframe_split", ...)
  std::shared_ptr<const Document> document_;
};

}  // namespace chatdb::ml_engine
