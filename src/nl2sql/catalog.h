#pragma once

#include "common/error.h"
#include "nl2sql/data_source.h"
#include "nl2sql/lexicon.h"
#include "nl2sql/schema.h"
#include "nl2sql/value_index.h"

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace chatdb::nl2sql {

/// What the parser knows of one data source: its schema, value index and lexicon, as of
/// `loaded_at`. Immutable; shared by the requests that use it.
struct Knowledge {
  std::shared_ptr<DataSource> source;
  Schema schema;
  ValueIndex values;
  Lexicon lexicon;
  std::chrono::system_clock::time_point loaded_at;
};

/// The named data sources of a process. Each one's Knowledge is loaded on first use (a few
/// queries: introspection, then one GROUP BY per text column), cached, and replaced by
/// `refresh`. Thread-safe; concurrent first uses load once.
class Catalog {
 public:
  /// `glossary` maps phrases to "table" or "table.column" for this source (may be empty).
  void add(const std::string& name, std::shared_ptr<DataSource> source, std::map<std::string, std::string> glossary = {});

  std::vector<std::string> names() const;
  bool contains(const std::string& name) const;
  /// The name a request without "database" uses: "demo" when registered, else the only or the
  /// first source; empty when there is none.
  std::string default_name() const;
  std::shared_ptr<DataSource> source(const std::string& name) const;

  /// The cached knowledge of a source, loading it if needed; `not_found` for an unknown name,
  /// the source's error when it cannot be read.
  Result<std::shared_ptr<const Knowledge>> knowledge(const std::string& name);
  /// Reloads schema and values now.
  Result<std::shared_ptr<const Knowledge>> refresh(const std::string& name);

 private:
  struct Entry {
    std::shared_ptr<DataSource> source;
    std::map<std::string, std::string> glossary;
    std::shared_ptr<const Knowledge> knowledge;
    std::shared_ptr<std::mutex> loading = std::make_shared<std::mutex>();
  };
  Result<std::shared_ptr<const Knowledge>> load(const std::string& name, bool force);

  mutable std::mutex mutex_;
  std::vector<std::string> order_;
  std::map<std::string, Entry> entries_;
};

}  // namespace chatdb::nl2sql
