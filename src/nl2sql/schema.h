#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace chatdb::nl2sql {

/// The SQL dialect a data source speaks; the parser renders dates and quoting for it.
enum class Dialect { kSqlite, kPostgres };

/// What a column holds, as far as question answering cares.
enum class ColumnKind { kInteger, kReal, kText, kDate, kTimestamp, kBoolean, kOther };

std::string to_string(ColumnKind kind);
/// Maps a declared SQL type ("varchar(255)", "timestamp with time zone", "int(11)") to a kind.
ColumnKind kind_of_type(const std::string& declared_type);

struct Column {
  std::string name;
  std::string type;  // as declared
  ColumnKind kind = ColumnKind::kOther;
  bool primary_key = false;
  bool nullable = true;
  /// The values are text that reads as the kind (ISO dates, numbers kept as TEXT): SQL
  /// converts the column before comparing or computing with it.
  bool stored_as_text = false;
  /// Only 0 and 1 (or a boolean type): a yes/no property of the row.
  bool flag = false;
  /// The share of (sampled) rows that have a value; known for dates, 1 otherwise.
  double filled = 1;

  bool numeric() const { return kind == ColumnKind::kInteger || kind == ColumnKind::kReal; }
  bool temporal() const { return kind == ColumnKind::kDate || kind == ColumnKind::kTimestamp; }
};

/// A single-column reference from table.column to ref_table.ref_column. `inferred` ones come
/// from naming (city.state_name -> state.state_name), not from a declared constraint.
struct ForeignKey {
  std::string table;
  std::string column;
  std::string ref_table;
  std::string ref_column;
  bool inferred = false;
};

struct Table {
  std::string name;
  std::vector<Column> columns;
  std::int64_t row_count = 0;

  const Column* column(const std::string& name) const;  // exact, case-insensitive
  const Column* primary_key() const;                      // single-column key, or nullptr
};

/// One step of a join path: `from_table` reaches `to_table` through `fk` (in either direction).
struct JoinStep {
  std::string from_table;
  std::string to_table;
  ForeignKey fk;
  bool fans_out() const { return fk.ref_table == from_table; }  // one row of from_table -> many
};

/// Tables, columns and keys of one data source. Immutable after introspection; safe to read
/// from many threads.
class Schema {
 public:
  Schema() = default;
  Schema(std::vector<Table> tables, std::vector<ForeignKey> foreign_keys);

  const std::vector<Table>& tables() const { return tables_; }
  const std::vector<ForeignKey>& foreign_keys() const { return foreign_keys_; }
  const Table* table(const std::string& name) const;  // case-insensitive

  /// The columns that name a row of `table`: "name", "<table>_name", "title", first and last
  /// name, ...; empty when none does.
  std::vector<const Column*> name_columns(const Table& table) const;

  /// Whether table.column is either end of a foreign key (declared or inferred).
  bool is_key(const std::string& table, const std::string& column) const;

  /// The shortest path of foreign keys from one table to another (one of declared keys only,
  /// when it is at most one step longer than a path through inferred ones); empty when the
  /// same table, nullopt when unconnected.
  std::optional<std::vector<JoinStep>> join_path(const std::string& from, const std::string& to) const;

  nlohmann::json to_json() const;

 private:
  void infer_foreign_keys();
  std::optional<std::vector<JoinStep>> shortest_path(const std::string& from, const std::string& to, bool declared_only) const;

  std::vector<Table> tables_;
  std::vector<ForeignKey> foreign_keys_;
};

}  // namespace chatdb::nl2sql
