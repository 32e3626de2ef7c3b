#pragma once

#include "common/error.h"

#include <string>

namespace chatdb::nl2sql {

/// The demo data source: a small retail business (categories, suppliers, products,
/// customers, orders, order items) with deterministic data from 2022 to 2025, written as a
/// SQLite file so that a newcomer can ask questions at once.
class DemoDatabase {
 public:
  /// Writes the database at `path` unless a complete one of this version is there already
  /// (it is written to a temporary file and renamed, so a crash leaves no half database).
  static Status ensure(const std::string& path);
};

}  // namespace chatdb::nl2sql
