#include "ml_engine/table_csv_export.h"

namespace chatdb::ml_engine {
namespace {

// Text is quoted (so commas, quotes and "NA" stay text); numbers are written bare so that the
// CSV reader types the column as numeric; NULL is an empty field, which it reads as missing.
void append_field(std::string& out, const nlohmann::json& v) {
  if (v.is_null()) return;
  if (!v.is_string()) {
    out += v.is_boolean() ? (v.get<bool>() ? "1" : "0") : v.dump();
    return;
  }
  out += '"';
  for (char c : v.get<std::string>()) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

std::string quote_identifier(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

TableCsvExport::TableCsvExport(std::shared_ptr<nl2sql::Catalog> catalog, std::size_t max_rows)
    : catalog_(std::move(catalog)), max_rows_(max_rows) {}

Result<std::string> TableCsvExport::operator()(const std::string& source, const std::string& table) const {
  if (!catalog_->contains(source)) return Error::not_found("no data source '" + source + "'");
  auto knowledge = catalog_->knowledge(source);
  if (!knowledge.ok()) return knowledge.error();
  const nl2sql::Table* found = (*knowledge)->schema.table(table);
  if (found == nullptr) return Error::not_found("data source '" + source + "' has no table '" + table + "'");
  nl2sql::ExecOptions options;
  options.max_rows = max_rows_;
  options.timeout = std::chrono::seconds(120);
  auto rows = (*knowledge)->source->execute("SELECT * FROM " + quote_identifier(found->name), options);
  if (!rows.ok()) return rows.error();
  if (rows->truncated) {
    return Error{ErrorCode::kPayloadTooLarge,
                 "table '" + table + "' has more than " + std::to_string(max_rows_) + " rows, the limit for a dataset",
                 false};
  }
  std::string csv;
  for (std::size_t i = 0; i < rows->columns.size(); ++i) {
    if (i) csv += ',';
    append_field(csv, rows->columns[i]);
  }
  csv += '\n';
  for (const auto& row : rows->rows) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i) csv += ',';
      append_field(csv, row[i]);
    }
    csv += '\n';
  }
  return csv;
}

}  // namespace chatdb::ml_engine
