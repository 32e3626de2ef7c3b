#include "model_registry/registry_repository.h"

#include "common/json_parse.h"
#include "common/logger.h"
#include "common/time.h"

#include <cctype>
#include <charconv>
#include <optional>
#include <utility>

namespace chatdb::model_registry {
namespace {

using metadata::in_transaction;
using metadata::Row;
using metadata::Transaction;
using metadata::Value;

// Hidden statuses: a version being deleted, and the tombstone that keeps its number taken.
constexpr const char* kDeleting = "DELETING";
constexpr const char* kDeleted = "DELETED";
constexpr const char* kLive = "status IN ('PENDING', 'READY', 'FAILED')";
constexpr const char* kVersionColumns =
    "model_name, version, status, job_id, artifact_digest, artifact_size, metadata, status_message, created_at, "
    "updated_at";
// Each failed attempt means another writer committed a version, so this bounds the number of
// writers racing for one model rather than the time spent.
constexpr int kMaxRegisterAttempts = 200;

Error model_not_found(const std::string& name) {
  return Error::not_found("registered model '" + name + "' not found");
}

Error version_not_found(const std::string& name, std::int64_t version) {
  return Error::not_found("version " + std::to_string(version) + " of registered model '" + name + "' not found");
}

Error not_pending(const ModelVersion& v) {
  return Error::conflict("version " + std::to_string(v.version) + " of registered model '" + v.model_name + "' is " +
                         v.status + ": versions are immutable once READY or FAILED; register a new version instead");
}

ModelVersion version_of(const Row& r) {
  ModelVersion v;
  v.model_name = metadata::as_text(r[0]);
  v.version = metadata::as_int(r[1]);
  v.status = metadata::as_text(r[2]);
  if (!metadata::is_null(r[3])) v.job_id = metadata::as_text(r[3]);
  if (!metadata::is_null(r[4])) v.artifact_sha256 = metadata::as_text(r[4]);
  if (!metadata::is_null(r[5])) v.artifact_size = metadata::as_int(r[5]);
  // Written by this class from a JSON object; anything else is a hand-edited row, or one saved
  // before the nesting limit: it is listed with empty metadata rather than failing the listing.
  auto parsed = parse_json(metadata::as_text(r[6]));
  if (parsed && parsed->is_object()) {
    v.metadata = std::move(*parsed);
  } else {
    Logger::warn("version metadata unreadable", {{"model", v.model_name}, {"version", v.version},
                                                 {"error", parsed ? "not an object" : parsed.error().message}});
    v.metadata = nlohmann::json::object();
  }
  v.status_message = metadata::as_text(r[7]);
  v.created_at = metadata::as_int(r[8]);
  v.updated_at = metadata::as_int(r[9]);
  return v;
}

Status add_aliases_and_tags(Transaction& tx, ModelVersion& v) {
  auto aliases = tx.query("SELECT alias FROM model_aliases WHERE model_name = $1 AND version = $2 ORDER BY alias",
                          {v.model_name, v.version});
  if (!aliases.ok()) return aliases.error();
  v.aliases.clear();
  for (const auto& r : aliases->rows) v.aliases.push_back(metadata::as_text(r[0]));
  auto tags = tx.query("SELECT tag_key, tag_value FROM model_tags WHERE model_name = $1 AND version = $2",
                       {v.model_name, v.version});
  if (!tags.ok()) return tags.error();
  v.tags.clear();
  for (const auto& r : tags->rows) v.tags[metadata::as_text(r[0])] = metadata::as_text(r[1]);
  return Status::success();
}

Result<bool> model_exists(Transaction& tx, const std::string& name) {
  auto r = tx.query("SELECT 1 FROM registered_models WHERE name = $1", {name});
  if (!r.ok()) return r.error();
  return !r->rows.empty();
}

// A live version with its aliases and tags; kNotFound naming the model or the version.
Result<ModelVersion> load_version(Transaction& tx, const std::string& name, std::int64_t version) {
  auto r = tx.query(std::string("SELECT ") + kVersionColumns + " FROM model_versions WHERE model_name = $1 AND version = $2 AND " + kLive,
                    {name, version});
  if (!r.ok()) return r.error();
  if (r->rows.empty()) {
    auto exists = model_exists(tx, name);
    if (!exists.ok()) return exists.error();
    return *exists ? version_not_found(name, version) : model_not_found(name);
  }
  ModelVersion v = version_of(r->rows[0]);
  if (Status st = add_aliases_and_tags(tx, v); !st.ok()) return st.error();
  return v;
}

Result<RegisteredModel> load_model(Transaction& tx, const std::string& name) {
  auto r = tx.query("SELECT name, description, created_at, updated_at FROM registered_models WHERE name = $1", {name});
  if (!r.ok()) return r.error();
  if (r->rows.empty()) return model_not_found(name);
  RegisteredModel m;
  m.name = metadata::as_text(r->rows[0][0]);
  m.description = metadata::as_text(r->rows[0][1]);
  m.created_at = metadata::as_int(r->rows[0][2]);
  m.updated_at = metadata::as_int(r->rows[0][3]);
  auto tags = tx.query("SELECT tag_key, tag_value FROM model_tags WHERE model_name = $1 AND version = 0", {name});
  if (!tags.ok()) return tags.error();
  for (const auto& row : tags->rows) m.tags[metadata::as_text(row[0])] = metadata::as_text(row[1]);
  auto aliases = tx.query("SELECT alias, version FROM model_aliases WHERE model_name = $1", {name});
  if (!aliases.ok()) return aliases.error();
  for (const auto& row : aliases->rows) m.aliases[metadata::as_text(row[0])] = metadata::as_int(row[1]);
  // The newest version of each status.
  auto latest = tx.query(std::string("SELECT ") + kVersionColumns +
                             " FROM model_versions WHERE model_name = $1 AND version IN (SELECT MAX(version) FROM "
                             "model_versions WHERE model_name = $1 AND " + kLive + " GROUP BY status) ORDER BY version DESC",
                         {name});
  if (!latest.ok()) return latest.error();
  for (const auto& row : latest->rows) {
    ModelVersion v = version_of(row);
    if (Status st = add_aliases_and_tags(tx, v); !st.ok()) return st.error();
    m.latest_versions.push_back(std::move(v));
  }
  return m;
}

Status touch_model(Transaction& tx, const std::string& name, std::int64_t now) {
  auto r = tx.execute("UPDATE registered_models SET updated_at = $2 WHERE name = $1", {name, now});
  if (!r.ok()) return r.error();
  return Status::success();
}

// Page tokens are the hex of the last key of the previous page: opaque to clients, and
// checked when they come back.
std::string to_hex(const std::string& text) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : text) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

Error bad_token(const std::string& token) {
  return Error::invalid("page_token '" + token + "' is not one this server gave out; start again without it");
}

Result<std::string> from_hex(const std::string& token) {
  if (token.size() % 2 != 0) return bad_token(token);
  std::string out;
  for (std::size_t i = 0; i < token.size(); i += 2) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(token.data() + i, token.data() + i + 2, value, 16);
    if (ec != std::errc() || end != token.data() + i + 2) return bad_token(token);
    out.push_back(static_cast<char>(value));
  }
  if (out.empty()) return bad_token(token);
  return out;
}

// For LIKE ... ESCAPE '\': the pattern matches `text` literally.
std::string like_literal(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

Result<Page<ModelVersion>> search_versions_in(Transaction& tx, const VersionQuery& query) {
  std::string after_name;
  std::int64_t after_version = 0;
  if (!query.page_token.empty()) {
    auto decoded = from_hex(query.page_token);
    if (!decoded.ok()) return decoded.error();
    auto colon = decoded->rfind(':');
    if (colon == std::string::npos) return bad_token(query.page_token);
    const char* last = decoded->data() + decoded->size();
    auto [end, ec] = std::from_chars(decoded->data() + colon + 1, last, after_version);
    if (ec != std::errc() || end != last) return bad_token(query.page_token);
    after_name = decoded->substr(0, colon);
  }
  std::string sql = std::string("SELECT ") + kVersionColumns + " FROM model_versions WHERE " + kLive +
                    " AND (model_name > $1 OR (model_name = $1 AND version > $2))";
  std::vector<Value> params = {after_name, after_version};
  auto filter = [&](const char* column, const std::string& value) {
    if (value.empty()) return;
    params.emplace_back(value);
    sql += std::string(" AND ") + column + " = $" + std::to_string(params.size());
  };
  filter("model_name", query.name);
  filter("status", query.status);
  filter("job_id", query.job_id);
  params.emplace_back(query.max_results + 1);
  sql += " ORDER BY model_name, version LIMIT $" + std::to_string(params.size());
  auto r = tx.query(sql, params);
  if (!r.ok()) return r.error();
  Page<ModelVersion> page;
  for (const auto& row : r->rows) {
    if (static_cast<std::int64_t>(page.items.size()) == query.max_results) {
      const ModelVersion& last = page.items.back();
      page.next_page_token = to_hex(last.model_name + ":" + std::to_string(last.version));
      break;
    }
    ModelVersion v = version_of(row);
    if (Status st = add_aliases_and_tags(tx, v); !st.ok()) return st.error();
    page.items.push_back(std::move(v));
  }
  return page;
}

Status set_tag(Transaction& tx, const std::string& name, std::int64_t version, const std::string& key,
               const std::string& value) {
  auto r = tx.execute(
      "INSERT INTO model_tags (model_name, version, tag_key, tag_value) VALUES ($1, $2, $3, $4) "
      "ON CONFLICT (model_name, version, tag_key) DO UPDATE SET tag_value = excluded.tag_value",
      {name, version, key, value});
  if (!r.ok()) return r.error();
  return touch_model(tx, name, unix_millis());
}

Status delete_tag(Transaction& tx, const std::string& name, std::int64_t version, const std::string& key) {
  auto r = tx.execute("DELETE FROM model_tags WHERE model_name = $1 AND version = $2 AND tag_key = $3", {name, version, key});
  if (!r.ok()) return r.error();
  if (*r == 0) {
    std::string owner = version == 0 ? "registered model '" + name + "'"
                                     : "version " + std::to_string(version) + " of registered model '" + name + "'";
    return Error::not_found(owner + " has no tag '" + key + "'");
  }
  return touch_model(tx, name, unix_millis());
}

Result<std::int64_t> count(Transaction& tx, const std::string& sql, const std::vector<Value>& params) {
  auto r = tx.query(sql, params);
  if (!r.ok()) return r.error();
  return metadata::as_int(r->rows.at(0).at(0));
}

}  // namespace

RegistryRepository::RegistryRepository(std::shared_ptr<metadata::MetadataStore> store) : store_(std::move(store)) {}

Status RegistryRepository::check() { return store_->check(); }

Result<RegisteredModel> RegistryRepository::create_model(const std::string& name, const std::string& description,
                                                         const Tags& tags) {
  auto created = in_transaction(*store_, [&](Transaction& tx) -> Result<RegisteredModel> {
    std::int64_t now = unix_millis();
    auto r = tx.execute("INSERT INTO registered_models (name, description, created_at, updated_at) VALUES ($1, $2, $3, $3)",
                        {name, description, now});
    if (!r.ok()) return r.error();
    for (const auto& [key, value] : tags) {
      auto t = tx.execute("INSERT INTO model_tags (model_name, version, tag_key, tag_value) VALUES ($1, 0, $2, $3)",
                          {name, key, value});
      if (!t.ok()) return t.error();
    }
    return load_model(tx, name);
  });
  if (!created.ok() && created.error().code == ErrorCode::kConflict) {
    return Error::conflict("registered model '" + name + "' already exists; register versions of it, or pick another name");
  }
  return created;
}

Result<RegisteredModel> RegistryRepository::get_model(const std::string& name) {
  return in_transaction(*store_, [&](Transaction& tx) { return load_model(tx, name); });
}

Result<Page<RegisteredModel>> RegistryRepository::search_models(const ModelQuery& query) {
  std::string after;
  if (!query.page_token.empty()) {
    auto decoded = from_hex(query.page_token);
    if (!decoded.ok()) return decoded.error();
    after = *decoded;
  }
  return in_transaction(*store_, [&](Transaction& tx) -> Result<Page<RegisteredModel>> {
    std::string sql = "SELECT name FROM registered_models m WHERE name > $1";
    std::vector<Value> params = {after};
    if (!query.name_contains.empty()) {
      params.emplace_back("%" + like_literal(query.name_contains) + "%");
      sql += " AND LOWER(name) LIKE $" + std::to_string(params.size()) + " ESCAPE '\\'";
    }
    if (!query.tag_key.empty()) {
      params.emplace_back(query.tag_key);
      sql += " AND EXISTS (SELECT 1 FROM model_tags t WHERE t.model_name = m.name AND t.version = 0 AND t.tag_key = $" +
             std::to_string(params.size());
      if (query.tag_value) {
        params.emplace_back(*query.tag_value);
        sql += " AND t.tag_value = $" + std::to_string(params.size());
      }
      sql += ")";
    }
    params.emplace_back(query.max_results + 1);
    sql += " ORDER BY name LIMIT $" + std::to_string(params.size());
    auto r = tx.query(sql, params);
    if (!r.ok()) return r.error();
    Page<RegisteredModel> page;
    for (const auto& row : r->rows) {
      if (static_cast<std::int64_t>(page.items.size()) == query.max_results) {
        page.next_page_token = to_hex(page.items.back().name);
        break;
      }
      auto m = load_model(tx, metadata::as_text(row[0]));
      if (!m.ok()) return m.error();
      page.items.push_back(std::move(m.value()));
    }
    return page;
  });
}

Result<Registration> RegistryRepository::register_version(const std::string& name, const std::optional<std::string>& job_id,
                                                         const nlohmann::json& metadata) {
  const std::string metadata_text = metadata.dump();
  for (int attempt = 0;; ++attempt) {
    // Set when the answer is final: a conflict the job's own history explains, not a race.
    bool final_conflict = false;
    auto registered = in_transaction(*store_, [&](Transaction& tx) -> Result<Registration> {
      final_conflict = false;
      if (job_id) {
        auto existing = tx.query(std::string("SELECT ") + kVersionColumns + " FROM model_versions WHERE job_id = $1", {*job_id});
        if (!existing.ok()) return existing.error();
        if (!existing->rows.empty()) {
          ModelVersion v = version_of(existing->rows[0]);
          final_conflict = true;
          std::string what = "job '" + *job_id + "' already registered version " + std::to_string(v.version) +
                             " of registered model '" + v.model_name + "'";
          if (v.model_name != name) return Error::conflict(what + "; a job registers one version of one model");
          if (v.status == kDeleting || v.status == kDeleted) {
            return Error::conflict(what + ", which has been deleted; a job registers one version only");
          }
          if (Status st = add_aliases_and_tags(tx, v); !st.ok()) return st.error();
          return Registration{std::move(v), false};
        }
      }
      std::int64_t now = unix_millis();
      auto model = tx.execute(
          "INSERT INTO registered_models (name, description, created_at, updated_at) VALUES ($1, '', $2, $2) "
          "ON CONFLICT (name) DO NOTHING",
          {name, now});
      if (!model.ok()) return model.error();
      Value job = job_id ? Value(*job_id) : Value(nullptr);
      auto inserted = tx.query(
          "INSERT INTO model_versions (model_name, version, status, job_id, metadata, created_at, updated_at) "
          "SELECT $1, COALESCE(MAX(version), 0) + 1, 'PENDING', $2, $3, CAST($4 AS BIGINT), CAST($4 AS BIGINT) "
          "FROM model_versions WHERE model_name = $1 RETURNING version",
          {name, job, metadata_text, now});
      if (!inserted.ok()) return inserted.error();
      if (Status st = touch_model(tx, name, now); !st.ok()) return st.error();
      auto v = load_version(tx, name, metadata::as_int(inserted->rows.at(0).at(0)));
      if (!v.ok()) return v.error();
      return Registration{std::move(v.value()), true};
    });
    // A conflict here means another writer took the version number (or registered the same
    // job) first: try again with the numbers as they are now.
    bool race = !registered.ok() && registered.error().code == ErrorCode::kConflict && !final_conflict;
    if (!race || attempt + 1 >= kMaxRegisterAttempts) {
      if (race) return Error::unavailable("too many concurrent registrations of model '" + name + "'; retry");
      return registered;
    }
  }
}

Result<ModelVersion> RegistryRepository::get_version(const std::string& name, std::int64_t version) {
  return in_transaction(*store_, [&](Transaction& tx) { return load_version(tx, name, version); });
}

Result<ModelVersion> RegistryRepository::latest_ready_version(const std::string& name) {
  return in_transaction(*store_, [&](Transaction& tx) -> Result<ModelVersion> {
    auto r = tx.query("SELECT MAX(version) FROM model_versions WHERE model_name = $1 AND status = 'READY'", {name});
    if (!r.ok()) return r.error();
    if (metadata::is_null(r->rows.at(0).at(0))) {
      auto exists = model_exists(tx, name);
      if (!exists.ok()) return exists.error();
      if (!*exists) return model_not_found(name);
      return Error::not_found("registered model '" + name + "' has no READY version yet");
    }
    return load_version(tx, name, metadata::as_int(r->rows[0][0]));
  });
}

Result<Page<ModelVersion>> RegistryRepository::list_versions(const std::string& name, std::int64_t max_results,
                                                            const std::string& page_token) {
  return in_transaction(*store_, [&](Transaction& tx) -> Result<Page<ModelVersion>> {
    auto exists = model_exists(tx, name);
    if (!exists.ok()) return exists.error();
    if (!*exists) return model_not_found(name);
    VersionQuery query;
    query.name = name;
    query.max_results = max_results;
    query.page_token = page_token;
    return search_versions_in(tx, query);
  });
}

Result<Page<ModelVersion>> RegistryRepository::search_versions(const VersionQuery& query) {
  return in_transaction(*store_, [&](Transaction& tx) { return search_versions_in(tx, query); });
}

Status RegistryRepository::require_pending(const std::string& name, std::int64_t version) {
  auto v = get_version(name, version);
  if (!v.ok()) return v.error();
  if (v->status != kPending) return not_pending(*v);
  return Status::success();
}

Result<ModelVersion> RegistryRepository::mark_ready(const std::string& name, std::int64_t version, const std::string& sha256,
                                                   std::int64_t size) {
  return in_transaction(*store_, [&](Transaction& tx) -> Result<ModelVersion> {
    auto r = tx.execute(
        "UPDATE model_versions SET status = 'READY', artifact_digest = $3, artifact_size = $4, updated_at = $5 "
        "WHERE model_name = $1 AND version = $2 AND status = 'PENDING'",
        {name, version, sha256, size, unix_millis()});
    if (!r.ok()) return r.error();
    auto v = load_version(tx, name, version);
    if (v.ok() && *r == 0) return not_pending(*v);
    return v;
  });
}

Result<ModelVersion> RegistryRepository::mark_failed(const std::string& name, std::int64_t version, const std::string& message) {
  return in_transaction(*store_, [&](Transaction& tx) -> Result<ModelVersion> {
    auto r = tx.execute(
        "UPDATE model_versions SET status = 'FAILED', status_message = $3, updated_at = $4 "
        "WHERE model_name = $1 AND version = $2 AND status = 'PENDING'",
        {name, version, message, unix_millis()});
    if (!r.ok()) return r.error();
    auto v = load_version(tx, name, version);
    if (v.ok() && *r == 0) return not_pending(*v);
    return v;
  });
}

Result<std::optional<std::string>> RegistryRepository::begin_version_delete(const std::string& name, std::int64_t version) {
  return in_transaction(*store_, [&](Transaction& tx) -> Result<std::optional<std::string>> {
    auto marked = tx.execute(
        "UPDATE model_versions SET status = 'DELETING', updated_at = $3 "
        "WHERE model_name = $1 AND version = $2 AND status <> 'DELETED'",
        {name, version, unix_millis()});
    if (!marked.ok()) return marked.error();
    if (*marked == 0) {
      auto exists = model_exists(tx, name);
      if (!exists.ok()) return exists.error();
      return *exists ? version_not_found(name, version) : model_not_found(name);
    }
    for (const char* sql : {"DELETE FROM model_aliases WHERE model_name = $1 AND version = $2",
                            "DELETE FROM model_tags WHERE model_name = $1 AND version = $2"}) {
      auto r = tx.execute(sql, {name, version});
      if (!r.ok()) return r.error();
    }
    auto digest = tx.query("SELECT artifact_digest FROM model_versions WHERE model_name = $1 AND version = $2", {name, version});
    if (!digest.ok()) return digest.error();
    const Value& d = digest->rows.at(0).at(0);
    return metadata::is_null(d) ? std::optional<std::string>() : metadata::as_text(d);
  });
}

Status RegistryRepository::finish_version_delete(const std::string& name, std::int64_t version) {
  return store_->transact([&](Transaction& tx) -> Status {
    auto r = tx.execute(
        "UPDATE model_versions SET status = 'DELETED', artifact_digest = NULL, artifact_size = NULL, metadata = '{}', "
        "status_message = '', updated_at = $3 WHERE model_name = $1 AND version = $2 AND status = 'DELETING'",
        {name, version, unix_millis()});
    if (!r.ok()) return r.error();
    return touch_model(tx, name, unix_millis());
  });
}

Result<std::vector<std::string>> RegistryRepository::begin_model_delete(const std::string& name) {
  return in_transaction(*store_, [&](Transaction& tx) -> Result<std::vector<std::string>> {
    auto exists = model_exists(tx, name);
    if (!exists.ok()) return exists.error();
    if (!*exists) return model_not_found(name);
    for (const char* sql : {"UPDATE model_versions SET status = 'DELETING' WHERE model_name = $1 AND status IN ('PENDING', 'READY', 'FAILED')",
                            "DELETE FROM model_aliases WHERE model_name = $1",
                            "DELETE FROM model_tags WHERE model_name = $1 AND version > 0"}) {
      auto r = tx.execute(sql, {name});
      if (!r.ok()) return r.error();
    }
    auto digests = tx.query(
        "SELECT DISTINCT artifact_digest FROM model_versions WHERE model_name = $1 AND status = 'DELETING' "
        "AND artifact_digest IS NOT NULL ORDER BY artifact_digest",
        {name});
    if (!digests.ok()) return digests.error();
    std::vector<std::string> out;
    for (const auto& row : digests->rows) out.push_back(metadata::as_text(row[0]));
    return out;
  });
}

Status RegistryRepository::finish_model_delete(const std::string& name) {
  return store_->transact([&](Transaction& tx) -> Status {
    for (const char* sql : {"DELETE FROM model_tags WHERE model_name = $1", "DELETE FROM model_aliases WHERE model_name = $1",
                            "DELETE FROM model_versions WHERE model_name = $1", "DELETE FROM registered_models WHERE name = $1"}) {
      auto r = tx.execute(sql, {name});
      if (!r.ok()) return r.error();
    }
    return Status::success();
  });
}

Result<bool> RegistryRepository::digest_referenced(const std::string& sha256) {
  return in_transaction(*store_, [&](Transaction& tx) -> Result<bool> {
    auto n = count(tx, std::string("SELECT COUNT(*) FROM model_versions WHERE artifact_digest = $1 AND ") + kLive, {sha256});
    if (!n.ok()) return n.error();
    return *n > 0;
  });
}

Result<bool> RegistryRepository::digest_being_deleted(const std::string& sha256) {
  return in_transaction(*store_, [&](Transaction& tx) -> Result<bool> {
    auto n = count(tx, "SELECT COUNT(*) FROM model_versions WHERE artifact_digest = $1 AND status = 'DELETING'", {sha256});
    if (!n.ok()) return n.error();
    return *n > 0;
  });
}

Result<ModelVersion> RegistryRepository::set_alias(const std::string& name, const std::string& alias, std::int64_t version) {
  return in_transaction(*store_, [&](Transaction& tx) -> Result<ModelVersion> {
    auto v = load_version(tx, name, version);
    if (!v.ok()) return v.error();
    if (v->status != kReady) {
      return Error::conflict("version " + std::to_string(version) + " of registered model '" + name + "' is " + v->status +
                             ": an alias can only point at a READY version");
    }
    std::int64_t now = unix_millis();
    auto r = tx.execute(
        "INSERT INTO model_aliases (model_name, alias, version, updated_at) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (model_name, alias) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at",
        {name, alias, version, now});
    if (!r.ok()) return r.error();
    if (Status st = touch_model(tx, name, now); !st.ok()) return st.error();
    return load_version(tx, name, version);
  });
}

Result<ModelVersion> RegistryRepository::resolve_alias(const std::string& name, const std::string& alias) {
  return in_transaction(*store_, [&](Transaction& tx) -> Result<ModelVersion> {
    auto r = tx.query("SELECT version FROM model_aliases WHERE model_name = $1 AND alias = $2", {name, alias});
    if (!r.ok()) return r.error();
    if (r->rows.empty()) {
      auto exists = model_exists(tx, name);
      if (!exists.ok()) return exists.error();
      if (!*exists) return model_not_found(name);
      return Error::not_found("registered model '" + name + "' has no alias '" + alias + "'");
    }
    return load_version(tx, name, metadata::as_int(r->rows[0][0]));
  });
}

Status RegistryRepository::delete_alias(const std::string& name, const std::string& alias) {
  return store_->transact([&](Transaction& tx) -> Status {
    auto r = tx.execute("DELETE FROM model_aliases WHERE model_name = $1 AND alias = $2", {name, alias});
    if (!r.ok()) return r.error();
    if (*r == 0) {
      auto exists = model_exists(tx, name);
      if (!exists.ok()) return exists.error();
      if (!*exists) return model_not_found(name);
      return Error::not_found("registered model '" + name + "' has no alias '" + alias + "'");
    }
    return touch_model(tx, name, unix_millis());
  });
}

Status RegistryRepository::set_model_tag(const std::string& name, const std::string& key, const std::string& value) {
  return store_->transact([&](Transaction& tx) -> Status {
    auto exists = model_exists(tx, name);
    if (!exists.ok()) return exists.error();
    if (!*exists) return model_not_found(name);
    return set_tag(tx, name, 0, key, value);
  });
}

Status RegistryRepository::delete_model_tag(const std::string& name, const std::string& key) {
  return store_->transact([&](Transaction& tx) -> Status {
    auto exists = model_exists(tx, name);
    if (!exists.ok()) return exists.error();
    if (!*exists) return model_not_found(name);
    return delete_tag(tx, name, 0, key);
  });
}

Status RegistryRepository::set_version_tag(const std::string& name, std::int64_t version, const std::string& key,
                                           const std::string& value) {
  return store_->transact([&](Transaction& tx) -> Status {
    auto v = load_version(tx, name, version);
    if (!v.ok()) return v.error();
    return set_tag(tx, name, version, key, value);
  });
}

Status RegistryRepository::delete_version_tag(const std::string& name, std::int64_t version, const std::string& key) {
  return store_->transact([&](Transaction& tx) -> Status {
    auto v = load_version(tx, name, version);
    if (!v.ok()) return v.error();
    return delete_tag(tx, name, version, key);
  });
}

}  // namespace chatdb::model_registry
