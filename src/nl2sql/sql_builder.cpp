#include "nl2sql/sql_builder.h"

#include "nl2sql/text.h"

#include <algorithm>
#include <set>

namespace chatdb::nl2sql {
namespace {

bool reserved(const std::string& word) {
  static const std::set<std::string> kReserved = {
      "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "between", "both", "by", "case", "cast",
      "check", "collate", "column", "constraint", "create", "cross", "current_date", "current_time",
      "current_timestamp", "current_user", "date", "default", "delete", "desc", "distinct", "do", "drop", "else",
      "end", "except", "exists", "false", "fetch", "for", "foreign", "from", "full", "grant", "group", "having",
      "in", "index", "inner", "insert", "intersect", "into", "is", "join", "key", "leading", "left", "like",
      "limit", "natural", "not", "null", "offset", "on", "only", "or", "order", "outer", "over", "partition",
      "primary", "range", "references", "right", "rows", "select", "set", "some", "table", "then", "time",
      "timestamp", "to", "trailing", "true", "union", "unique", "update", "user", "using", "values", "when",
      "where", "window", "with"};
  return kReserved.count(lower(word)) > 0;
}

std::string aggregate_sql(Aggregate a) {
  switch (a) {
    case Aggregate::kCount: return "COUNT";
    case Aggregate::kCountDistinct: return "COUNT";
    case Aggregate::kSum: return "SUM";
    case Aggregate::kAvg: return "AVG";
    case Aggregate::kMin: return "MIN";
    case Aggregate::kMax: return "MAX";
    case Aggregate::kNone: return "";
  }
  return "";
}

std::string aggregate_words(Aggregate a) {
  switch (a) {
    case Aggregate::kCount: return "the number of";
    case Aggregate::kCountDistinct: return "the number of distinct";
    case Aggregate::kSum: return "the total";
    case Aggregate::kAvg: return "the average";
    case Aggregate::kMin: return "the smallest";
    case Aggregate::kMax: return "the largest";
    case Aggregate::kNone: return "";
  }
  return "";
}

std::string human(const std::string& identifier) { return join(split_identifier(identifier), " "); }

std::string part_words(DatePart part) { return part == DatePart::kYear ? "the year of " : part == DatePart::kMonth ? "the month of " : ""; }


}  // namespace

SqlBuilder::SqlBuilder(const Schema& schema, Dialect dialect) : schema_(schema), dialect_(dialect) {}

std::optional<std::vector<JoinStep>> SqlBuilder::path_to(const QueryPlan& plan, const std::string& table) const {
  // Through a key of the subject that the question named, when it leads there.
  for (const auto& key : plan.via) {
    for (const auto& fk : schema_.foreign_keys()) {
      if (fk.table != key.table || fk.column != key.column) continue;
      JoinStep first{plan.subject, fk.ref_table, fk};
      if (fk.ref_table == table) return std::vector<JoinStep>{first};
      auto rest = schema_.join_path(fk.ref_table, table);
      if (!rest) continue;
      rest->insert(rest->begin(), first);
      return rest;
    }
  }
  return schema_.join_path(plan.subject, table);
}

std::string SqlBuilder::date_part(const std::string& column_sql, const ColumnRef& c) const {
  bool year = c.part == DatePart::kYear;
  if (dialect_ == Dialect::kSqlite) return std::string("strftime('") + (year ? "%Y" : "%Y-%m") + "', " + column_sql + ")";
  const Table* t = schema_.table(c.table);
  const Column* column = t ? t->column(c.column) : nullptr;
  std::string date = column && column->stored_as_text ? "CAST(" + column_sql + " AS DATE)" : column_sql;
  return "to_char(" + date + (year ? ", 'YYYY')" : ", 'YYYY-MM')");
}

std::string SqlBuilder::identifier(const std::string& name) const {
  bool plain = !name.empty() && !reserved(name) && !(name[0] >= '0' && name[0] <= '9');
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
              // SQLite compares identifiers case-insensitively; PostgreSQL folds unquoted ones.
              (dialect_ == Dialect::kSqlite && c >= 'A' && c <= 'Z');
    plain = plain && ok;
  }
  return plain ? name : quote_identifier(name);
}

Result<RenderedQuery> SqlBuilder::render(const QueryPlan& plan) const {
  const Table* subject = schema_.table(plan.subject);
  if (subject == nullptr) return Error::invalid("unknown table " + plan.subject);

  // Every table a column needs, joined along the shortest key path from the subject.
  std::vector<std::string> needed;
  auto need = [&](const std::string& t) {
    if (std::find(needed.begin(), needed.end(), t) == needed.end()) needed.push_back(t);
  };
  for (const auto& o : plan.outputs) {
    if (o.column) need(o.column->table);
  }
  for (const auto& c : plan.conditions) {
    if (c.kind != Condition::Kind::kNotExists) need(c.column.table);
  }
  for (const auto& g : plan.group_by) need(g.table);
  if (plan.having && plan.having->column) need(plan.having->column->table);
  if (plan.order && plan.order->column) need(plan.order->column->table);
  for (const auto& t : plan.extra_tables) need(t);

  std::vector<std::string> joined = {subject->name};
  std::vector<std::string> join_clauses;
  std::vector<std::string> join_words;
  bool fans_out = false;
  std::vector<std::string> many_side;  // tables reached through a one-to-many step
  for (const auto& t : needed) {
    if (std::find(joined.begin(), joined.end(), t) != joined.end()) continue;
    auto path = path_to(plan, t);
    if (!path) return Error::invalid("no chain of foreign keys relates " + subject->name + " to " + t);
    for (const auto& step : *path) {
      if (std::find(joined.begin(), joined.end(), step.to_table) != joined.end()) continue;
      fans_out = fans_out || step.fans_out();
      bool after_many = std::find(many_side.begin(), many_side.end(), step.from_table) != many_side.end();
      if (step.fans_out() || after_many) many_side.push_back(step.to_table);
      join_clauses.push_back(" JOIN " + identifier(step.to_table) + " ON " + identifier(step.fk.table) + "." +
                             identifier(step.fk.column) + " = " + identifier(step.fk.ref_table) + "." +
                             identifier(step.fk.ref_column));
      join_words.push_back(human(step.to_table));
      joined.push_back(step.to_table);
    }
  }
  bool qualify = joined.size() > 1 ||
                 std::any_of(plan.conditions.begin(), plan.conditions.end(),
                             [](const Condition& c) { return c.kind == Condition::Kind::kNotExists ||
                                                             c.kind == Condition::Kind::kAtExtreme; });
  auto col = [&](const ColumnRef& c) {
    std::string name = qualify ? identifier(c.table) + "." + identifier(c.column) : identifier(c.column);
    return c.part == DatePart::kNone ? name : date_part(name, c);
  };
  // The column as a value to compare or compute with: numbers and dates kept as text converted.
  auto value = [&](const ColumnRef& c) {
    std::string name = col(c);
    const Table* t = schema_.table(c.table);
    const Column* column = t ? t->column(c.column) : nullptr;
    if (c.part != DatePart::kNone || column == nullptr || !column->stored_as_text) return name;
    if (column->numeric()) {
      return dialect_ == Dialect::kPostgres ? "CAST(NULLIF(" + name + ", '') AS NUMERIC)" : "CAST(" + name + " AS REAL)";
    }
    if (column->temporal() && dialect_ == Dialect::kPostgres) {
      return "CAST(" + name + (column->kind == ColumnKind::kDate ? " AS DATE)" : " AS TIMESTAMP)");
    }
    return name;
  };

  auto literal = [&](const Literal& l) {
    if (l.kind == Literal::Kind::kNumber) return l.text;
    if (l.kind == Literal::Kind::kBoolean) {
      bool yes = l.text == "true";
      if (dialect_ == Dialect::kPostgres) return std::string(yes ? "TRUE" : "FALSE");
      return std::string(yes ? "1" : "0");
    }
    if (l.kind == Literal::Kind::kDate && dialect_ == Dialect::kPostgres) return "DATE " + quote_literal(l.text);
    return quote_literal(l.text);
  };
  auto literal_words = [&](const Literal& l) { return l.kind == Literal::Kind::kText ? quote_literal(l.text) : l.text; };

  // Columns of the subject go by their own name in the explanation; others say their table.
  auto said = [&](const ColumnRef& c) {
    return part_words(c.part) + (c.table == subject->name ? human(c.column) : human(c.column) + " of " + human(c.table));
  };
  const Column* key = subject->primary_key();
  auto expression = [&](Aggregate a, const std::optional<ColumnRef>& c) {
    if (a == Aggregate::kNone) return col(*c);
    if (a == Aggregate::kCount && !c) {
      // Joins towards "many" tables repeat subject rows: count each subject row once.
      if (fans_out && key != nullptr) return "COUNT(DISTINCT " + col({subject->name, key->name}) + ")";
      return std::string("COUNT(*)");
    }
    std::string inner = c ? (a == Aggregate::kCount || a == Aggregate::kCountDistinct ? col(*c) : value(*c)) : "*";
    if (a == Aggregate::kCountDistinct) inner = "DISTINCT " + inner;
    return aggregate_sql(a) + "(" + inner + ")";
  };
  auto expression_words = [&](Aggregate a, const std::optional<ColumnRef>& c) {
    if (a == Aggregate::kNone) return said(*c);
    if (!c) return std::string("the number of ") + human(subject->name);
    const Table* counted = schema_.table(c->table);
    if (a == Aggregate::kCount && counted && counted->primary_key() && counted->primary_key()->name == c->column) {
      return "the number of " + human(c->table);
    }
    std::string words = said(*c);
    // "the total total amount" reads badly: "the sum of total amount".
    if (a == Aggregate::kSum && words.rfind("total", 0) == 0) return "the sum of " + words;
    return aggregate_words(a) + " " + words;
  };

  // SELECT
  std::vector<std::string> select;
  std::vector<std::string> select_words;
  bool aggregated = false;
  for (const auto& o : plan.outputs) {
    std::string e = expression(o.aggregate, o.column);
    if (o.aggregate == Aggregate::kNone && o.column->part != DatePart::kNone) {
      e += std::string(" AS ") + (o.column->part == DatePart::kYear ? "year" : "month");
    }
    if (o.aggregate != Aggregate::kNone) {
      aggregated = true;
      std::string alias = o.column ? lower(aggregate_sql(o.aggregate)) + "_" + o.column->column : "count";
      if (o.aggregate == Aggregate::kCountDistinct) alias = "distinct_" + (o.column ? o.column->column : "count");
      e += " AS " + identifier(alias);
    }
    select.push_back(e);
    select_words.push_back(expression_words(o.aggregate, o.column));
  }
  if (select.empty()) {
    select.push_back(qualify ? identifier(subject->name) + ".*" : "*");
    select_words.push_back("every column");
  }
  // Joins towards "many" tables repeat the subject's rows; drop the repeats unless a column of
  // such a table is shown (then the rows differ in what they say).
  bool shows_many_side = std::any_of(plan.outputs.begin(), plan.outputs.end(), [&](const Output& o) {
    return o.column && std::find(many_side.begin(), many_side.end(), o.column->table) != many_side.end();
  });
  bool distinct = plan.distinct || (fans_out && !aggregated && plan.group_by.empty() && !shows_many_side);
  std::string from = " FROM " + identifier(subject->name);
  for (const auto& j : join_clauses) from += j;

  // WHERE
  std::vector<std::string> where;
  std::vector<std::string> where_words;
  std::vector<std::string> plain_where;  // without extremes, for the extreme's own subquery
  for (const auto& c : plan.conditions) {
    std::string sql;
    std::string words;
    switch (c.kind) {
      case Condition::Kind::kCompare:
        sql = (c.values.at(0).kind == Literal::Kind::kText ? col(c.column) : value(c.column)) + " " + c.op + " " +
              literal(c.values.at(0));
        words = said(c.column) + " " + (c.op == "=" ? "is" : c.op == "<>" ? "is not" : c.op) + " " +
                literal_words(c.values.at(0));
        break;
      case Condition::Kind::kIn: {
        std::vector<std::string> items, item_words;
        for (const auto& v : c.values) {
          items.push_back(literal(v));
          item_words.push_back(literal_words(v));
        }
        sql = col(c.column) + (c.negated ? " NOT IN (" : " IN (") + join(items, ", ") + ")";
        words = said(c.column) + (c.negated ? " is none of " : " is one of ") + join(item_words, ", ");
        break;
      }
      case Condition::Kind::kBetween:
        if (c.values.at(0).kind == Literal::Kind::kDate) {
          sql = value(c.column) + " >= " + literal(c.values.at(0)) + " AND " + value(c.column) + " < " + literal(c.values.at(1));
          words = said(c.column) + " is from " + c.values[0].text + " up to (not including) " + c.values[1].text;
        } else {
          sql = value(c.column) + " BETWEEN " + literal(c.values.at(0)) + " AND " + literal(c.values.at(1));
          words = said(c.column) + " is between " + c.values[0].text + " and " + c.values[1].text;
        }
        if (c.negated) {
          sql = "NOT (" + sql + ")";
          words = "not " + words;
        }
        break;
      case Condition::Kind::kIsNull:
        sql = col(c.column) + (c.negated ? " IS NOT NULL" : " IS NULL");
        words = said(c.column) + (c.negated ? " is known" : " is missing");
        break;
      case Condition::Kind::kLike:
        {
          // The user's % and _ are characters to find, not wildcards.
          std::string pattern;
          for (char ch : lower(c.values.at(0).text)) {
            if (ch == '%' || ch == '_' || ch == '\\') pattern += '\\';
            pattern += ch;
          }
          sql = "LOWER(" + col(c.column) + ")" + (c.negated ? " NOT LIKE " : " LIKE ") + quote_literal("%" + pattern + "%") +
                " ESCAPE '\\'";
        }
        words = said(c.column) + (c.negated ? " does not contain " : " contains ") + quote_literal(c.values.at(0).text);
        break;
      case Condition::Kind::kNotExists: {
        auto path = schema_.join_path(subject->name, c.related_table);
        if (!path || path->empty()) return Error::invalid("no foreign key relates " + subject->name + " to " + c.related_table);
        // The first step links the subquery to the outer row; later steps join inside it.
        const JoinStep& first = path->front();
        std::string inner_from = identifier(first.to_table);
        for (std::size_t i = 1; i < path->size(); ++i) {
          const auto& s = (*path)[i];
          inner_from += " JOIN " + identifier(s.to_table) + " ON " + identifier(s.fk.table) + "." +
                        identifier(s.fk.column) + " = " + identifier(s.fk.ref_table) + "." + identifier(s.fk.ref_column);
        }
        sql = std::string(c.negated ? "EXISTS" : "NOT EXISTS") + " (SELECT 1 FROM " + inner_from + " WHERE " +
              identifier(first.fk.table) + "." + identifier(first.fk.column) + " = " + identifier(first.fk.ref_table) +
              "." + identifier(first.fk.ref_column) + ")";
        words = std::string(c.negated ? "some" : "no") + " " + human(c.related_table) + " row refers to it";
        break;
      }
      case Condition::Kind::kVersusAverage:
        sql = value(c.column) + " " + c.op + " (SELECT AVG(" + value(c.column) + ") FROM " + identifier(c.column.table) + ")";
        words = said(c.column) + " " + c.op + " its average over all " + human(c.column.table);
        break;
      case Condition::Kind::kAtExtreme:
        break;  // rendered below, once the other conditions are known
    }
    if (c.kind == Condition::Kind::kAtExtreme) continue;
    where.push_back(sql);
    plain_where.push_back(sql);
    where_words.push_back(words);
  }
  for (const auto& c : plan.conditions) {
    if (c.kind != Condition::Kind::kAtExtreme) continue;
    std::string inner = std::string(c.descending ? "MAX(" : "MIN(") + value(c.column) + ")" + from;
    if (!plain_where.empty()) inner += " WHERE " + join(plain_where, " AND ");
    where.push_back(value(c.column) + " = (SELECT " + inner + ")");
    where_words.push_back(said(c.column) + " is the " + (c.descending ? "largest" : "smallest") + " among them");
  }

  std::string sql = std::string("SELECT ") + (distinct ? "DISTINCT " : "") + join(select, ", ") + from;
  if (!where.empty()) sql += " WHERE " + join(where, " AND ");
  std::vector<std::string> group_words;
  if (!plan.group_by.empty()) {
    std::vector<std::string> g;
    for (const auto& c : plan.group_by) {
      g.push_back(col(c));
      group_words.push_back(said(c));
    }
    sql += " GROUP BY " + join(g, ", ");
  }
  std::string having_words;
  if (plan.having) {
    const auto& h = *plan.having;
    std::string e = h.aggregate == Aggregate::kCount && !h.column ? "COUNT(*)" : expression(h.aggregate, h.column);
    sql += " HAVING " + e + " " + h.op + " " + h.number;
    having_words = ", keeping groups where " + (h.column ? expression_words(h.aggregate, h.column) : "the number of rows") +
                   " " + h.op + " " + h.number;
  }
  std::string order_words;
  if (plan.order) {
    const auto& o = *plan.order;
    std::string e = o.aggregate == Aggregate::kCount && !o.column ? "COUNT(*)"
                    : o.aggregate == Aggregate::kNone                 ? value(*o.column)
                                                                      : expression(o.aggregate, o.column);
    sql += " ORDER BY " + e + (o.descending ? " DESC" : " ASC");
    // Ties come out in the same order every time.
    if (!plan.group_by.empty()) {
      if (col(plan.group_by.front()) != e) sql += ", " + col(plan.group_by.front());
    }
    else if (key != nullptr && !(o.column && o.column->table == subject->name && o.column->column == key->name)) {
      sql += ", " + col({subject->name, key->name});
    }
    order_words = ", ordered by " + (o.column ? expression_words(o.aggregate, o.column) : "the number of rows") +
                  (o.descending ? " from highest to lowest" : " from lowest to highest");
  }
  if (plan.limit) {
    sql += " LIMIT " + std::to_string(*plan.limit);
    order_words += ", keeping the first " + std::to_string(*plan.limit);
  }

  RenderedQuery out;
  out.sql = sql;
  out.tables = joined;
  for (const auto& c : plan.conditions) {
    if (c.kind == Condition::Kind::kNotExists && std::find(out.tables.begin(), out.tables.end(), c.related_table) == out.tables.end()) {
      out.tables.push_back(c.related_table);
    }
  }
  std::string e = std::string(aggregated ? "Computes " : select_words.size() == 1 && select_words.front() == "every column" ? "Lists " : "Lists the ") +
                  (distinct ? "distinct " : "") + join(select_words, ", ");
  e += std::string(aggregated ? " over " : " of ") + human(subject->name);
  if (!join_words.empty()) e += " (joined with " + join(join_words, ", ") + ")";
  if (!where_words.empty()) e += " where " + join(where_words, " and ");
  if (!group_words.empty()) e += ", for each " + join(group_words, " and ");
  e += having_words + order_words + ".";
  out.explanation = e;
  return out;
}

}  // namespace chatdb::nl2sql
