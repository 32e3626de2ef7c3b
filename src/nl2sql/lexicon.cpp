#include "nl2sql/lexicon.h"

#include "nl2sql/text.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <set>

namespace chatdb::nl2sql {
namespace {

// General English only: words that commonly name the same thing in a database.
const std::vector<std::vector<std::string>>& synonym_groups() {
  static const std::vector<std::vector<std::string>> kGroups = {
      {"customer", "client", "buyer", "shopper", "purchaser", "patron", "account"},
      {"product", "item", "article", "merchandise"},
      {"order", "purchase"},
      {"employee", "staff", "worker"},
      {"price", "cost"},
      {"population", "person", "inhabitant", "citizen", "resident"},
      {"city", "town"},
      {"country", "nation"},
      {"category", "type", "kind", "genre"},
      {"phone", "telephone"},
      {"email", "mail"},
      {"salary", "wage", "pay"},
      {"revenue", "sale", "income", "turnover"},
      {"supplier", "vendor", "supply", "supplied", "supplies"},
      {"quantity", "qty"},
      {"description", "desc"},
      {"number", "num", "no", "nbr"},
      {"birth", "born", "dob"},
      {"rating", "score", "star"},
      {"author", "writer", "write", "wrote", "written", "writes"},
      {"loan", "borrow", "borrowing", "lend", "lending", "rental", "rent"},
      {"doctor", "physician"},
      {"patient"},
      {"area", "size"},
      {"altitude", "elevation", "height"},
      {"address", "addr"},
      {"amount", "amt"},
      {"department", "dept"},
      {"begin", "start"},
      {"signup", "registration", "registered", "signed", "joined", "enrolled"},
      {"create", "created", "added"},
      {"finish", "end"},
      {"film", "movie"},
      {"airline", "carrier"},
      {"flight"},
      {"member", "user"},
      {"book", "title"},
      {"seat", "place"},
      {"weight", "mass"},
      {"date", "day"},
      {"restaurant", "place", "eatery"},
      {"food", "cuisine"},
      {"region", "area"},
      {"street", "road"},
      {"traverse", "run", "flow", "pass", "cross", "traversed", "running", "flowing", "passing", "crossing"},
  };
  return kGroups;
}

// Columns whose last word is one of these are named by the whole name only: "order_id" is
// not "id", and "customer_name" in another table is not just "name".
bool weak_head(const std::string& word) {
  static const std::set<std::string> kWeak = {"id", "name", "code", "no", "number", "key", "reference", "fk", "pk",
                                              "type", "by", "to", "at", "on", "of", "is", "has", "flag"};
  return kWeak.count(word) > 0;
}

bool names_table(const Schema& schema, const std::string& stemmed_word) {
  return std::any_of(schema.tables().begin(), schema.tables().end(), [&](const Table& t) {
    auto words = split_identifier(t.name);
    return !words.empty() && stem(words.back()) == stemmed_word;
  });
}

}  // namespace

std::string Lexicon::stem_phrase(const std::vector<std::string>& words) {
  std::vector<std::string> stems;
  for (const auto& w : words) stems.push_back(stem(w));
  return join(stems, " ");
}

std::vector<std::string> Lexicon::synonyms(const std::string& word) {
  std::vector<std::string> out = {word};
  for (const auto& group : synonym_groups()) {
    if (std::find(group.begin(), group.end(), word) == group.end()) continue;
    for (const auto& w : group) {
      if (std::find(out.begin(), out.end(), w) == out.end()) out.push_back(w);
    }
  }
  return out;
}

const std::vector<std::string>& Lexicon::dimension_of(const std::string& adjective) {
  static const std::map<std::string, std::vector<std::string>> kDimensions = {
      {"big", {"area", "size", "population", "capacity", "amount", "total", "length"}},
      {"large", {"area", "size", "population", "capacity", "amount", "total", "length"}},
      {"small", {"area", "size", "population", "capacity", "amount", "total"}},
      {"huge", {"area", "size", "population", "capacity"}},
      {"tiny", {"area", "size", "population", "capacity"}},
      {"little", {"area", "size", "population", "capacity"}},
      {"expensive", {"price", "cost", "amount", "total", "fee"}},
      {"cheap", {"price", "cost", "amount", "total", "fee"}},
      {"costly", {"price", "cost", "amount", "total", "fee"}},
      {"pricey", {"price", "cost", "amount", "total", "fee"}},
      {"long", {"length", "duration", "distance", "page"}},
      {"short", {"length", "duration", "distance", "page"}},
      {"tall", {"height", "altitude", "elevation"}},
      {"high", {"height", "altitude", "elevation"}},
      {"low", {"height", "altitude", "elevation"}},
      {"heavy", {"weight", "mass"}},
      {"light", {"weight", "mass"}},
      {"populous", {"population"}},
      {"populated", {"population"}},
      {"dense", {"density"}},
      {"deep", {"depth"}},
      {"fast", {"speed"}},
      {"slow", {"speed"}},
      {"rich", {"income", "salary", "balance", "wealth"}},
      {"wealthy", {"income", "salary", "balance", "wealth"}},
      {"good", {"rating", "score", "rank"}},
      {"bad", {"rating", "score", "rank"}},
      {"popular", {"popularity", "rating"}},
      {"old", {"age", "date", "year", "created", "birth"}},
      {"young", {"age", "date", "year", "created", "birth"}},
      {"new", {"date", "year", "created", "age"}},
      {"recent", {"date", "year", "created"}},
      {"early", {"date", "year", "created"}},
      {"late", {"date", "year", "created"}},
      {"paid", {"salary", "wage", "pay", "amount"}},
      {"spent", {"amount", "total", "price", "cost"}},
      {"spend", {"amount", "total", "price", "cost"}},
      {"earn", {"salary", "income", "revenue", "amount"}},
      {"earned", {"salary", "income", "revenue", "amount"}},
      {"sold", {"quantity", "amount", "total"}},
      {"cost", {"price", "cost", "amount"}},
      {"costs", {"price", "cost", "amount"}},
      {"priced", {"price", "cost"}},
      {"weigh", {"weight"}},
      {"weighs", {"weight"}},
      {"rated", {"rating", "score"}},
      {"where", {"address", "street", "house", "location", "city", "town", "place", "building", "room", "country",
                 "state", "region", "county", "district", "zip", "postcode", "latitude", "longitude"}},
      {"money", {"amount", "total", "price", "revenue", "value", "fee", "cost", "balance", "charge"}},
      {"worth", {"amount", "value", "price", "total"}},
      {"revenue", {"amount", "total", "revenue", "price", "value"}},
      {"income", {"income", "amount", "revenue", "salary", "total"}},
      {"sales", {"amount", "total", "revenue", "quantity"}},
      {"billed", {"amount", "total", "charge", "fee"}},
      {"invoiced", {"amount", "total", "charge"}},
      {"collected", {"amount", "total", "paid"}},
      {"charge", {"charge", "price", "fee", "amount", "cost"}},
      {"charged", {"charge", "price", "fee", "amount", "cost"}},
      {"owe", {"balance", "amount", "due", "total"}},
      {"owes", {"balance", "amount", "due", "total"}},
      {"live", {"population"}},
      {"lives", {"population"}},
  };
  static const std::vector<std::string> kNone;
  auto it = kDimensions.find(adjective);
  return it == kDimensions.end() ? kNone : it->second;
}

void Lexicon::add(const std::string& phrase, Term term) {
  if (phrase.empty()) return;
  auto& list = terms_[phrase];
  for (auto& t : list) {
    if (t.table == term.table && t.column == term.column) {
      t.score = std::max(t.score, term.score);
      return;
    }
  }
  list.push_back(std::move(term));
}

Result<Lexicon> Lexicon::build(const Schema& schema, const std::map<std::string, std::string>& glossary) {
  Lexicon lex;
  auto add_with_synonyms = [&](const std::vector<std::string>& stems, const Term& term, double synonym_score) {
    lex.add(join(stems, " "), term);
    for (std::size_t i = 0; i < stems.size(); ++i) {
      for (const auto& s : synonyms(stems[i])) {
        if (s == stems[i]) continue;
        auto variant = stems;
        variant[i] = s;
        Term t = term;
        t.score = term.score * synonym_score;
        lex.add(join(variant, " "), t);
      }
    }
  };
  for (const auto& table : schema.tables()) {
    std::vector<std::string> words;
    for (const auto& w : split_identifier(table.name)) words.push_back(stem(w));
    add_with_synonyms(words, Term{table.name, "", 1.0}, 0.9);
    // "order_items" is also "items"; "tbl_customer" also "customer".
    if (words.size() > 1) add_with_synonyms({words.back()}, Term{table.name, "", 0.75}, 0.9);
    for (const auto& column : table.columns) {
      std::vector<std::string> cw;
      for (const auto& w : split_identifier(column.name)) cw.push_back(stem(w));
      if (cw.empty()) continue;
      add_with_synonyms(cw, Term{table.name, column.name, 1.0}, 0.9);
      // "unit_price" is also "price", "state_population" also "population": its head word,
      // unless that word alone says nothing ("id", "name").
      if (cw.size() > 1 && !weak_head(cw.back())) add_with_synonyms({cw.back()}, Term{table.name, column.name, 0.8}, 0.9);
      // "sponsor_nm" is also "sponsor", "taught_by" also "teach": what a column whose last
      // word says nothing names, unless that names a table ("customer_id" is not the customer).
      std::string modifier = join(std::vector<std::string>(cw.begin(), cw.end() - 1), " ");
      if (cw.size() > 1 && weak_head(cw.back()) && !column.primary_key &&
          !(schema.is_key(table.name, column.name) && (cw.size() > 2 || names_table(schema, modifier)))) {
        add_with_synonyms({cw.begin(), cw.end() - 1}, Term{table.name, column.name, 0.8}, 0.9);
      }
      // "major_dept" is also "major", "rank_title" also "rank": a column's first word names it,
      // weakly, when it names no table.
      if (cw.size() > 1 && !weak_head(cw.back()) && !names_table(schema, cw.front()) && !weak_head(cw.front())) {
        add_with_synonyms({cw.front()}, Term{table.name, column.name, 0.6}, 0.9);
      }
      // "food_type" is also "food": a kind of thing is named by the thing.
      if (cw.size() == 2 && (cw.back() == "type" || cw.back() == "kind" || cw.back() == "category")) {
        add_with_synonyms({cw.front()}, Term{table.name, column.name, 0.8}, 0.9);
      }
      // "page_count" is also "pages", "number_of_seats" also "seats".
      if (cw.size() > 1 && (cw.back() == "count" || cw.back() == "total")) {
        add_with_synonyms({cw.begin(), cw.end() - 1}, Term{table.name, column.name, 0.8}, 0.9);
      }
      if (cw.size() > 2 && cw[0] == "number" && cw[1] == "of") {
        add_with_synonyms({cw.begin() + 2, cw.end()}, Term{table.name, column.name, 0.8}, 0.9);
      }
      // "signup_date" is also "signup", "created_at" also "created": the event of a time
      // column, unless that word names a table ("order_date" is not "order").
      static const std::set<std::string> kTimeWords = {"date", "time", "at", "on", "timestamp", "day", "year"};
      if (cw.size() > 1 && kTimeWords.count(cw.back()) && (column.temporal() || cw.back() == "year")) {
        std::vector<std::string> event(cw.begin(), cw.end() - 1);
        bool names_table = false;
        for (const auto& t : schema.tables()) names_table |= Lexicon::stem_phrase(split_identifier(t.name)) == join(event, " ");
        if (!names_table) add_with_synonyms(event, Term{table.name, column.name, 0.8}, 0.9);
      }
      // "customer_name" in customers is "name"; "order_date" in orders is "date".
      if (cw.size() > 1) {
        std::vector<std::string> table_words = words;
        if (cw.size() > table_words.size() && std::equal(table_words.begin(), table_words.end(), cw.begin())) {
          add_with_synonyms({cw.begin() + static_cast<long>(table_words.size()), cw.end()},
                            Term{table.name, column.name, 0.9}, 0.9);
        }
      }
    }
  }
  for (const auto& [phrase, target] : glossary) {
    std::string table_name = target;
    std::string column_name;
    if (auto dot = target.find('.'); dot != std::string::npos) {
      table_name = target.substr(0, dot);
      column_name = target.substr(dot + 1);
    }
    const Table* table = schema.table(table_name);
    if (table == nullptr || (!column_name.empty() && table->column(column_name) == nullptr)) {
      return Error::invalid("glossary entry '" + phrase + "' names '" + target + "', which is not in the schema");
    }
    std::vector<std::string> words;
    for (const auto& w : split_words(phrase)) words.push_back(w);
    Term t{table->name, column_name.empty() ? "" : table->column(column_name)->name, 1.0};
    lex.add(stem_phrase(words), t);
  }
  for (auto& [phrase, list] : lex.terms_) {
    std::stable_sort(list.begin(), list.end(), [](const Term& a, const Term& b) { return a.score > b.score; });
  }
  return lex;
}

Result<std::map<std::string, std::string>> Lexicon::read_glossary(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error::not_found("cannot read the glossary file " + path);
  auto doc = nlohmann::json::parse(in, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Error::invalid("the glossary " + path + " must be a JSON object {\"phrase\": \"table\" or \"table.column\"}");
  }
  std::map<std::string, std::string> out;
  for (const auto& [phrase, target] : doc.items()) {
    if (!target.is_string()) return Error::invalid("glossary entry '" + phrase + "' must be a string");
    out[phrase] = target.get<std::string>();
  }
  return out;
}

std::vector<Term> Lexicon::lookup(const std::string& stemmed_phrase) const {
  auto it = terms_.find(stemmed_phrase);
  if (it == terms_.end() && stemmed_phrase.find('-') != std::string::npos) {
    // "add-ons" names `addon`, "e-mail" names `email`: the hyphen joins one word.
    std::string joined = stemmed_phrase;
    std::erase(joined, '-');
    it = terms_.find(joined);
  }
  return it == terms_.end() ? std::vector<Term>{} : it->second;
}

}  // namespace chatdb::nl2sql
