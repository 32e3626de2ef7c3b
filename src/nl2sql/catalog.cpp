#include "nl2sql/catalog.h"

#include "nl2sql/schema_profiler.h"
#include "nl2sql/word_net.h"

namespace chatdb::nl2sql {

void Catalog::add(const std::string& name, std::shared_ptr<DataSource> source, std::map<std::string, std::string> glossary) {
  std::lock_guard lock(mutex_);
  if (!entries_.count(name)) order_.push_back(name);
  Entry e;
  e.source = std::move(source);
  e.glossary = std::move(glossary);
  entries_[name] = std::move(e);
}

std::vector<std::string> Catalog::names() const {
  std::lock_guard lock(mutex_);
  return order_;
}

bool Catalog::contains(const std::string& name) const {
  std::lock_guard lock(mutex_);
  return entries_.count(name) > 0;
}

std::string Catalog::default_name() const {
  std::lock_guard lock(mutex_);
  if (entries_.count("demo")) return "demo";
  return order_.empty() ? "" : order_.front();
}

std::shared_ptr<DataSource> Catalog::source(const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(name);
  return it == entries_.end() ? nullptr : it->second.source;
}

Result<std::shared_ptr<const Knowledge>> Catalog::knowledge(const std::string& name) { return load(name, false); }

Result<std::shared_ptr<const Knowledge>> Catalog::refresh(const std::string& name) { return load(name, true); }

Result<std::shared_ptr<const Knowledge>> Catalog::load(const std::string& name, bool force) {
  std::shared_ptr<std::mutex> loading;
  std::shared_ptr<DataSource> source;
  std::map<std::string, std::string> glossary;
  {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(name);
    if (it == entries_.end()) {
      std::string known;
      for (const auto& n : order_) known += (known.empty() ? "" : ", ") + n;
      return Error::not_found("no data source named '" + name + "'" + (known.empty() ? "" : "; known: " + known));
    }
    if (it->second.knowledge && !force) return it->second.knowledge;
    loading = it->second.loading;
    source = it->second.source;
    glossary = it->second.glossary;
  }
  // One loader per source; others wait for it and take its result.
  std::lock_guard load_lock(*loading);
  if (!force) {
    std::lock_guard lock(mutex_);
    if (entries_[name].knowledge) return entries_[name].knowledge;
  }
  auto declared = source->introspect();
  if (!declared) return declared.error();
  Result<Schema> schema = SchemaProfiler::profile(*source, *declared);
  auto lexicon = Lexicon::build(*schema, glossary);
  if (!lexicon) return lexicon.error();
  WordNet::system();  // opened here, with the schema, rather than in the first question's time
  auto k = std::make_shared<Knowledge>();
  k->source = source;
  k->values = ValueIndex::build(*source, *schema);
  k->schema = std::move(schema).value();
  k->lexicon = std::move(lexicon).value();
  k->loaded_at = std::chrono::system_clock::now();
  std::lock_guard lock(mutex_);
  entries_[name].knowledge = k;
  return std::shared_ptr<const Knowledge>(k);
}

}  // namespace chatdb::nl2sql
