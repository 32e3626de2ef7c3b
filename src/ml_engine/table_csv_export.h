#pragma once

#include "common/error.h"
#include "nl2sql/catalog.h"

#include <cstddef>
#include <memory>
#include <string>

namespace chatdb::ml_engine {

/// Reads a table of a registered data source for training (table://SOURCE/TABLE) and gives it
/// as CSV text: header, then one record per row, NULL as an empty field. The table must exist
/// in the source's schema (so its name cannot smuggle SQL); it is read through the source's
/// read-only executor with a row limit. Errors: unknown source or table kNotFound; more than
/// `max_rows` rows kPayloadTooLarge; the source's own errors. Thread-safe.
class TableCsvExport {
 public:
  TableCsvExport(std::shared_ptr<nl2sql::Catalog> catalog, std::size_t max_rows);

  Result<std::string> operator()(const std::string& source, const std::string& table) const;

 private:
  std::shared_ptr<nl2sql::Catalog> catalog_;
  std::size_t max_rows_;
};

}  // namespace chatdb::ml_engine
