#include "nl2sql/data_source_factory.h"

#include "nl2sql/postgres_source.h"
#include "nl2sql/sqlite_source.h"

#include <nlohmann/json.hpp>

#include <filesystem>

namespace chatdb::nl2sql {

Result<std::shared_ptr<DataSource>> open_data_source(const std::string& url) {
  if (url.starts_with("sqlite://")) {
    std::string path = url.substr(9);
    if (path.empty()) return Error::invalid("sqlite:// needs a path, such as sqlite://data/shop.db");
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
      return Error::not_found("no SQLite database file at '" + path + "'");
    }
    return std::shared_ptr<DataSource>(std::make_shared<SqliteSource>(path));
  }
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    return std::shared_ptr<DataSource>(std::make_shared<PostgresSource>(url));
  }
  return Error::invalid("unsupported database URL '" + url + "': use sqlite://PATH or postgresql://USER@HOST:PORT/DB");
}

Status add_data_sources(Catalog& catalog, const std::string& json) {
  if (json.empty()) return Status::success();
  auto doc = nlohmann::json::parse(json, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return Error::invalid("data sources must be a JSON object of name -> URL");
  for (const auto& [name, entry] : doc.items()) {
    std::string url = entry.is_string() ? entry.get<std::string>() : entry.value("url", "");
    std::map<std::string, std::string> glossary;
    if (entry.is_object() && entry.contains("glossary")) {
      if (!entry["glossary"].is_string()) return Error::invalid("the glossary of '" + name + "' must be a file path");
      auto read = Lexicon::read_glossary(entry["glossary"].get<std::string>());
      if (!read) return read.error();
      glossary = std::move(read).value();
    }
    auto source = open_data_source(url);
    if (!source) return Error{source.error().code, "data source '" + name + "': " + source.error().message, false};
    catalog.add(name, *source, std::move(glossary));
  }
  return Status::success();
}

}  // namespace chatdb::nl2sql
