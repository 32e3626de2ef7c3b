#include "model_registry/model_registry.h"

#include "common/logger.h"
#include "http/problem.h"
#include "ml/serving_model.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <initializer_list>

namespace chatdb::model_registry {
namespace {

constexpr std::size_t kMaxNameLength = 128;
constexpr std::size_t kMaxTagValueLength = 5000;
constexpr std::size_t kMaxTextLength = 10000;
constexpr std::size_t kMaxJobIdLength = 256;
constexpr std::int64_t kMaxResults = 1000;

// Names of models, aliases and tag keys: they travel as URL path segments.
Status check_name(const char* what, const std::string& text) {
  auto usage = std::string(what) + " '" + text + "' is invalid: use 1-128 characters of A-Z a-z 0-9 . _ -";
  if (text.empty() || text.size() > kMaxNameLength) return Error::invalid(usage);
  for (char c : text) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return Error::invalid(usage);
  }
  if (text == "." || text == "..") return Error::invalid(usage + ", other than . and ..");
  return Status::success();
}

Result<std::int64_t> parse_positive(const std::string& text, const std::string& usage) {
  std::int64_t value = 0;
  bool digits = !text.empty() && text.size() <= 18 && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits) return Error::invalid(usage);
  std::from_chars(text.data(), text.data() + text.size(), value);
  if (value < 1) return Error::invalid(usage);
  return value;
}

Result<std::int64_t> parse_version(const std::string& text) {
  return parse_positive(text, "version '" + text + "' is not a version number: use 1, 2, ...");
}

// Refuses fields other than `allowed`; `usage` shows the body's shape.
Status check_fields(const nlohmann::json& body, std::initializer_list<const char*> allowed, const std::string& usage) {
  for (const auto& [key, value] : body.items()) {
    if (std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return key == a; })) {
      return Error::invalid("unknown field '" + key + "'; the body is " + usage);
    }
  }
  return Status::success();
}

Status check_query(const http::Request& request, std::initializer_list<const char*> allowed) {
  for (const auto& [key, value] : request.query) {
    if (std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return key == a; })) {
      std::string list;
      for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      return Error::invalid("unknown query parameter '" + key + "'; this endpoint takes " + (list.empty() ? "none" : list));
    }
  }
  return Status::success();
}

Result<std::string> string_field(const nlohmann::json& body, const char* field, std::size_t max_length) {
  const auto& value = body.at(field);
  if (!value.is_string()) return Error::invalid(std::string("'") + field + "' must be a string");
  std::string text = value.get<std::string>();
  if (text.size() > max_length) {
    return Error::invalid(std::string("'") + field + "' is longer than " + std::to_string(max_length) + " bytes");
  }
  return text;
}

Result<Tags> read_tags(const nlohmann::json& value) {
  if (!value.is_object()) return Error::invalid("'tags' must be an object of string values, such as {\"team\": \"risk\"}");
  Tags tags;
  for (const auto& [key, v] : value.items()) {
    if (Status st = check_name("tag key", key); !st.ok()) return st.error();
    if (!v.is_string()) return Error::invalid("tag '" + key + "' must have a string value");
    if (v.get_ref<const std::string&>().size() > kMaxTagValueLength) {
      return Error::invalid("tag '" + key + "' is longer than " + std::to_string(kMaxTagValueLength) + " bytes");
    }
    tags[key] = v.get<std::string>();
  }
  return tags;
}

Result<std::int64_t> max_results_of(const http::Request& request) {
  auto text = request.query_param("max_results", "100");
  auto n = parse_positive(text, "max_results '" + text + "' must be a whole number from 1 to " + std::to_string(kMaxResults));
  if (n.ok() && *n > kMaxResults) return Error::invalid("max_results must be at most " + std::to_string(kMaxResults));
  return n;
}

nlohmann::json version_json(const ModelVersion& v) {
  return {{"name", v.model_name},
          {"version", v.version},
          {"status", v.status},
          {"status_message", v.status_message},
          {"job_id", v.job_id ? nlohmann::json(*v.job_id) : nlohmann::json()},
          {"artifact_sha256", v.artifact_sha256 ? nlohmann::json(*v.artifact_sha256) : nlohmann::json()},
          {"artifact_size", v.artifact_size ? nlohmann::json(*v.artifact_size) : nlohmann::json()},
          {"metadata", v.metadata},
          {"aliases", v.aliases},
          {"tags", v.tags},
          {"created_at", v.created_at},
          {"updated_at", v.updated_at}};
}

nlohmann::json model_json(const RegisteredModel& m) {
  nlohmann::json latest = nlohmann::json::array();
  for (const auto& v : m.latest_versions) latest.push_back(version_json(v));
  return {{"name", m.name},       {"description", m.description}, {"created_at", m.created_at},
          {"updated_at", m.updated_at}, {"tags", m.tags},             {"aliases", m.aliases},
          {"latest_versions", latest}};
}

template <class T, class Fn>
nlohmann::json page_json(const Page<T>& page, const char* key, Fn&& to_json) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& item : page.items) items.push_back(to_json(item));
  nlohmann::json out = {{key, items}};
  if (!page.next_page_token.empty()) out["next_page_token"] = page.next_page_token;
  return out;
}

http::Response no_content() { return http::Response::text("", "application/json", 204); }

// The model name of the path, checked.
Result<std::string> model_param(const http::Request& request) {
  std::string name = request.params.at("name");
  if (Status st = check_name("model name", name); !st.ok()) return st.error();
  return name;
}

// The version of the path: a number, or (where reading) `latest`, the newest READY version.
Result<ModelVersion> find_version(RegistryRepository& repository, const http::Request& request) {
  auto name = model_param(request);
  if (!name) return name.error();
  const std::string& text = request.params.at("version");
  if (text == "latest") return repository.latest_ready_version(*name);
  auto version = parse_version(text);
  if (!version) return Error::invalid(version.error().message + " (or latest)");
  return repository.get_version(*name, *version);
}

// The model name and version number of the path, checked.
Result<std::pair<std::string, std::int64_t>> version_params(const http::Request& request) {
  auto name = model_param(request);
  if (!name) return name.error();
  auto version = parse_version(request.params.at("version"));
  if (!version) return version.error();
  return std::make_pair(*name, *version);
}

// A tag's value from {"value": TEXT}.
Result<std::string> tag_value_of(const http::Request& request) {
  auto key = request.params.at("key");
  if (Status st = check_name("tag key", key); !st.ok()) return st.error();
  auto body = request.json_object();
  if (!body) return body.error();
  const std::string usage = "{\"value\": TEXT}";
  if (Status st = check_fields(*body, {"value"}, usage); !st.ok()) return st.error();
  if (!body->contains("value")) return Error::invalid("missing field 'value'; the body is " + usage);
  return string_field(*body, "value", kMaxTagValueLength);
}

}  // namespace

ModelRegistry::ModelRegistry(std::shared_ptr<metadata::MetadataStore> metadata, std::shared_ptr<artifacts::ArtifactStore> artifacts,
                             std::shared_ptr<bus::MessageBus> bus, std::string changes_topic)
    : repository_(std::make_shared<RegistryRepository>(std::move(metadata))),
      artifacts_(std::make_shared<VersionArtifacts>(repository_, std::move(artifacts))),
      changes_(std::move(bus), std::move(changes_topic)) {}

std::string ModelRegistry::summary() const {
  return "Keeps registered models, immutable versions, aliases and their artifacts.";
}

void ModelRegistry::register_metrics(http::MetricsRegistry& registry) {
  versions_registered_ = &registry.counter("chatdb_registry_versions_registered_total", "Model versions registered.").with({});
  auto& bytes = registry.counter("chatdb_registry_artifact_bytes_total", "Artifact bytes stored and served, by direction.",
                                 {"direction"});
  bytes_uploaded_ = &bytes.with({"upload"});
  bytes_downloaded_ = &bytes.with({"download"});
  objects_deleted_ = &registry.counter("chatdb_registry_artifacts_deleted_total",
                                       "Artifact objects removed because no version referenced them any more.").with({});
  verify_failures_ = &registry.counter("chatdb_registry_artifact_verify_failures_total",
                                       "Downloads refused because the stored bytes did not match their digest.").with({});
}

void ModelRegistry::mount(http::Router& router) {
  auto bind = [this](http::Response (ModelRegistry::*handler)(const http::Request&)) {
    return [this, handler](const http::Request& r) { return (this->*handler)(r); };
  };
  // The same routes under /models: the deployment documents' ingress sends /api/v1/models here.
  for (const std::string base : {"/registered-models", "/models"}) {
    router.add("POST", base, bind(&ModelRegistry::create_model));
    router.add("GET", base, bind(&ModelRegistry::search_models));
    router.add("GET", base + "/{name}", bind(&ModelRegistry::get_model));
    router.add("DELETE", base + "/{name}", bind(&ModelRegistry::delete_model));
    router.add("POST", base + "/{name}/versions", bind(&ModelRegistry::register_version));
    router.add("GET", base + "/{name}/versions", bind(&ModelRegistry::list_versions));
    router.add("GET", base + "/{name}/versions/{version}", bind(&ModelRegistry::get_version));
    router.add("DELETE", base + "/{name}/versions/{version}", bind(&ModelRegistry::delete_version));
    http::RouteOptions upload{kMaxArtifactBytes};
    upload.before_body = [this](const http::Request& r) { return refuse_upload(r); };
    router.add("PUT", base + "/{name}/versions/{version}/artifact", bind(&ModelRegistry::upload_artifact), upload);
    router.add("GET", base + "/{name}/versions/{version}/artifact", bind(&ModelRegistry::download_artifact));
    router.add("POST", base + "/{name}/versions/{version}/fail", bind(&ModelRegistry::fail_version));
    router.add("PUT", base + "/{name}/versions/{version}/tags/{key}", bind(&ModelRegistry::set_version_tag));
    router.add("DELETE", base + "/{name}/versions/{version}/tags/{key}", bind(&ModelRegistry::delete_version_tag));
    router.add("PUT", base + "/{name}/aliases/{alias}", bind(&ModelRegistry::set_alias));
    router.add("GET", base + "/{name}/aliases/{alias}", bind(&ModelRegistry::get_alias));
    router.add("DELETE", base + "/{name}/aliases/{alias}", bind(&ModelRegistry::delete_alias));
    router.add("PUT", base + "/{name}/tags/{key}", bind(&ModelRegistry::set_model_tag));
    router.add("DELETE", base + "/{name}/tags/{key}", bind(&ModelRegistry::delete_model_tag));
  }
  router.add("GET", "/model-versions", bind(&ModelRegistry::search_versions));
}

nlohmann::json ModelRegistry::describe() const {
  return {{"max_artifact_bytes", kMaxArtifactBytes}, {"artifact_keys", "sha256/<digest>"}};
}

std::vector<runtime::Check> ModelRegistry::check_dependencies() {
  Status metadata = repository_->check();
  Status artifacts = artifacts_->check();
  return {{"metadata", metadata.ok(), metadata.ok() ? "reachable" : metadata.error().message},
          {"artifacts", artifacts.ok(), artifacts.ok() ? "reachable" : artifacts.error().message}};
}

http::Response ModelRegistry::create_model(const http::Request& request) {
  auto body = request.json_object();
  if (!body) return http::problem(body.error());
  const std::string usage = "{\"name\": NAME, \"description\": TEXT (optional), \"tags\": {KEY: VALUE} (optional)}";
  if (Status st = check_fields(*body, {"name", "description", "tags"}, usage); !st.ok()) return http::problem(st.error());
  if (!body->contains("name")) return http::problem(Error::invalid("missing field 'name'; the body is " + usage));
  auto name = string_field(*body, "name", kMaxTextLength);
  if (!name) return http::problem(name.error());
  if (Status st = check_name("model name", *name); !st.ok()) return http::problem(st.error());
  std::string description;
  if (body->contains("description")) {
    auto d = string_field(*body, "description", kMaxTextLength);
    if (!d) return http::problem(d.error());
    description = *d;
  }
  Tags tags;
  if (body->contains("tags")) {
    auto t = read_tags(body->at("tags"));
    if (!t) return http::problem(t.error());
    tags = std::move(*t);
  }
  auto model = repository_->create_model(*name, description, tags);
  if (!model) return http::problem(model.error());
  http::Response response = http::Response::json(model_json(*model), 201);
  response.headers.emplace_back("Location", "/api/v1/registered-models/" + model->name);
  return response;
}

http::Response ModelRegistry::search_models(const http::Request& request) {
  if (Status st = check_query(request, {"name_contains", "tag", "max_results", "page_token"}); !st.ok()) return http::problem(st.error());
  ModelQuery query;
  query.name_contains = request.query_param("name_contains");
  if (query.name_contains.size() > kMaxNameLength) return http::problem(Error::invalid("name_contains is longer than 128 characters"));
  if (request.query.count("tag")) {
    std::string tag = request.query_param("tag");
    auto colon = tag.find(':');
    query.tag_key = tag.substr(0, colon);
    if (Status st = check_name("tag key", query.tag_key); !st.ok()) {
      return http::problem(Error::invalid(st.error().message + "; the filter is tag=KEY or tag=KEY:VALUE"));
    }
    if (colon != std::string::npos) query.tag_value = tag.substr(colon + 1);
  }
  auto max = max_results_of(request);
  if (!max) return http::problem(max.error());
  query.max_results = *max;
  query.page_token = request.query_param("page_token");
  auto page = repository_->search_models(query);
  if (!page) return http::problem(page.error());
  return http::Response::json(page_json(*page, "registered_models", model_json));
}

http::Response ModelRegistry::get_model(const http::Request& request) {
  auto name = model_param(request);
  if (!name) return http::problem(name.error());
  auto model = repository_->get_model(*name);
  if (!model) return http::problem(model.error());
  return http::Response::json(model_json(*model));
}

http::Response ModelRegistry::delete_model(const http::Request& request) {
  auto name = model_param(request);
  if (!name) return http::problem(name.error());
  auto removed = artifacts_->delete_model(*name);
  if (!removed) return http::problem(removed.error());
  if (objects_deleted_) objects_deleted_->inc(*removed);
  changes_.publish(*name, std::nullopt, "model_deleted");
  return no_content();
}

http::Response ModelRegistry::register_version(const http::Request& request) {
  auto name = model_param(request);
  if (!name) return http::problem(name.error());
  auto body = request.json_object();
  if (!body) return http::problem(body.error());
  const std::string usage = "{\"metadata\": {...}, \"job_id\": TEXT (optional)}";
  if (Status st = check_fields(*body, {"job_id", "metadata"}, usage); !st.ok()) return http::problem(st.error());
  if (!body->contains("metadata")) return http::problem(Error::invalid("missing field 'metadata'; the body is " + usage));
  if (!body->at("metadata").is_object()) return http::problem(Error::invalid("'metadata' must be a JSON object"));
  std::optional<std::string> job_id;
  if (body->contains("job_id")) {
    auto j = string_field(*body, "job_id", kMaxJobIdLength);
    if (!j) return http::problem(j.error());
    bool printable = std::all_of(j->begin(), j->end(), [](unsigned char c) { return c >= 0x20 && c != 0x7f; });
    if (j->empty() || !printable) return http::problem(Error::invalid("'job_id' must be 1-256 printable characters"));
    job_id = *j;
  }
  auto registered = repository_->register_version(*name, job_id, body->at("metadata"));
  if (!registered) return http::problem(registered.error());
  const ModelVersion& v = registered->version;
  if (!registered->created) return http::Response::json(version_json(v));
  if (versions_registered_) versions_registered_->inc();
  http::Response response = http::Response::json(version_json(v), 201);
  response.headers.emplace_back("Location", "/api/v1/registered-models/" + v.model_name + "/versions/" + std::to_string(v.version));
  return response;
}

http::Response ModelRegistry::list_versions(const http::Request& request) {
  auto name = model_param(request);
  if (!name) return http::problem(name.error());
  if (Status st = check_query(request, {"max_results", "page_token"}); !st.ok()) return http::problem(st.error());
  auto max = max_results_of(request);
  if (!max) return http::problem(max.error());
  auto page = repository_->list_versions(*name, *max, request.query_param("page_token"));
  if (!page) return http::problem(page.error());
  return http::Response::json(page_json(*page, "model_versions", version_json));
}

http::Response ModelRegistry::search_versions(const http::Request& request) {
  if (Status st = check_query(request, {"name", "status", "job_id", "max_results", "page_token"}); !st.ok()) {
    return http::problem(st.error());
  }
  VersionQuery query;
  query.name = request.query_param("name");
  if (request.query.count("name")) {
    if (Status st = check_name("model name", query.name); !st.ok()) return http::problem(st.error());
  }
  query.status = request.query_param("status");
  std::transform(query.status.begin(), query.status.end(), query.status.begin(), [](unsigned char c) { return std::toupper(c); });
  if (request.query.count("status") && query.status != kPending && query.status != kReady && query.status != kFailed) {
    return http::problem(Error::invalid("status '" + request.query_param("status") + "' must be PENDING, READY or FAILED"));
  }
  query.job_id = request.query_param("job_id");
  if (request.query.count("job_id") && query.job_id.empty()) return http::problem(Error::invalid("job_id must not be empty"));
  auto max = max_results_of(request);
  if (!max) return http::problem(max.error());
  query.max_results = *max;
  query.page_token = request.query_param("page_token");
  auto page = repository_->search_versions(query);
  if (!page) return http::problem(page.error());
  return http::Response::json(page_json(*page, "model_versions", version_json));
}

http::Response ModelRegistry::get_version(const http::Request& request) {
  auto version = find_version(*repository_, request);
  if (!version) return http::problem(version.error());
  return http::Response::json(version_json(*version));
}

http::Response ModelRegistry::delete_version(const http::Request& request) {
  auto id = version_params(request);
  if (!id) return http::problem(id.error());
  auto removed = artifacts_->delete_version(id->first, id->second);
  if (!removed) return http::problem(removed.error());
  if (objects_deleted_) objects_deleted_->inc(*removed);
  changes_.publish(id->first, id->second, "version_deleted");
  return no_content();
}

std::optional<http::Response> ModelRegistry::refuse_upload(const http::Request& request) {
  auto id = version_params(request);
  if (!id) return http::problem(id.error());
  if (Status pending = repository_->require_pending(id->first, id->second); !pending) return http::problem(pending.error());
  return std::nullopt;
}

http::Response ModelRegistry::upload_artifact(const http::Request& request) {
  // Checked again: another upload may have finished while this body was read.
  if (auto refused = refuse_upload(request)) return std::move(*refused);
  auto id = version_params(request);
  auto pending = repository_->get_version(id->first, id->second);
  if (!pending) return http::problem(pending.error());
  // Every artifact is untrusted input: one XGBoost cannot safely load is refused here (422).
  if (Status usable = ml::ServingModel::check_artifact(pending->metadata, request.body); !usable) {
    return http::problem(usable.error());
  }
  auto version = artifacts_->upload(id->first, id->second, request.body);
  if (!version) return http::problem(version.error());
  if (bytes_uploaded_) bytes_uploaded_->inc(static_cast<double>(request.body.size()));
  changes_.publish(id->first, id->second, "version_ready");
  return http::Response::json(version_json(*version));
}

http::Response ModelRegistry::download_artifact(const http::Request& request) {
  auto version = find_version(*repository_, request);
  if (!version) return http::problem(version.error());
  auto artifact = artifacts_->download(*version);
  if (!artifact) {
    if (artifact.error().code == ErrorCode::kInternal) {
      if (verify_failures_) verify_failures_->inc();
      Logger::error("artifact unreadable", {{"model", version->model_name}, {"version", version->version},
                                            {"error", artifact.error().message}});
    }
    return http::problem(artifact.error());
  }
  if (bytes_downloaded_) bytes_downloaded_->inc(static_cast<double>(artifact->bytes.size()));
  http::Response response = http::Response::text(std::move(artifact->bytes), "application/octet-stream");
  response.headers.emplace_back("X-Artifact-Sha256", artifact->sha256);
  response.headers.emplace_back("X-Model-Version", std::to_string(version->version));
  response.headers.emplace_back("ETag", "\"" + artifact->sha256 + "\"");
  return response;
}

http::Response ModelRegistry::fail_version(const http::Request& request) {
  auto id = version_params(request);
  if (!id) return http::problem(id.error());
  auto body = request.json_object();
  if (!body) return http::problem(body.error());
  const std::string usage = "{\"message\": TEXT}";
  if (Status st = check_fields(*body, {"message"}, usage); !st.ok()) return http::problem(st.error());
  if (!body->contains("message")) return http::problem(Error::invalid("missing field 'message'; the body is " + usage));
  auto message = string_field(*body, "message", kMaxTextLength);
  if (!message) return http::problem(message.error());
  auto version = repository_->mark_failed(id->first, id->second, *message);
  if (!version) return http::problem(version.error());
  return http::Response::json(version_json(*version));
}

http::Response ModelRegistry::set_alias(const http::Request& request) {
  auto name = model_param(request);
  if (!name) return http::problem(name.error());
  const std::string alias = request.params.at("alias");
  if (Status st = check_name("alias", alias); !st.ok()) return http::problem(st.error());
  if (alias == "latest") return http::problem(Error::invalid("'latest' is reserved: it always means the newest READY version"));
  auto body = request.json_object();
  if (!body) return http::problem(body.error());
  const std::string usage = "{\"version\": NUMBER}";
  if (Status st = check_fields(*body, {"version"}, usage); !st.ok()) return http::problem(st.error());
  if (!body->contains("version")) return http::problem(Error::invalid("missing field 'version'; the body is " + usage));
  const auto& v = body->at("version");
  if (!v.is_number_integer() || v.get<std::int64_t>() < 1) {
    return http::problem(Error::invalid("'version' must be a version number: 1, 2, ..."));
  }
  auto version = repository_->set_alias(*name, alias, v.get<std::int64_t>());
  if (!version) return http::problem(version.error());
  changes_.publish(*name, version->version, "alias_set");
  return http::Response::json(version_json(*version));
}

http::Response ModelRegistry::get_alias(const http::Request& request) {
  auto name = model_param(request);
  if (!name) return http::problem(name.error());
  const std::string alias = request.params.at("alias");
  if (Status st = check_name("alias", alias); !st.ok()) return http::problem(st.error());
  auto version = alias == "latest" ? repository_->latest_ready_version(*name) : repository_->resolve_alias(*name, alias);
  if (!version) return http::problem(version.error());
  return http::Response::json(version_json(*version));
}

http::Response ModelRegistry::delete_alias(const http::Request& request) {
  auto name = model_param(request);
  if (!name) return http::problem(name.error());
  const std::string alias = request.params.at("alias");
  if (Status st = check_name("alias", alias); !st.ok()) return http::problem(st.error());
  if (Status st = repository_->delete_alias(*name, alias); !st.ok()) return http::problem(st.error());
  changes_.publish(*name, std::nullopt, "alias_deleted");
  return no_content();
}

http::Response ModelRegistry::set_model_tag(const http::Request& request) {
  auto name = model_param(request);
  if (!name) return http::problem(name.error());
  auto value = tag_value_of(request);
  if (!value) return http::problem(value.error());
  const std::string key = request.params.at("key");
  if (Status st = repository_->set_model_tag(*name, key, *value); !st.ok()) return http::problem(st.error());
  return http::Response::json({{"key", key}, {"value", *value}});
}

http::Response ModelRegistry::delete_model_tag(const http::Request& request) {
  auto name = model_param(request);
  if (!name) return http::problem(name.error());
  const std::string key = request.params.at("key");
  if (Status st = check_name("tag key", key); !st.ok()) return http::problem(st.error());
  if (Status st = repository_->delete_model_tag(*name, key); !st.ok()) return http::problem(st.error());
  return no_content();
}

http::Response ModelRegistry::set_version_tag(const http::Request& request) {
  auto id = version_params(request);
  if (!id) return http::problem(id.error());
  auto value = tag_value_of(request);
  if (!value) return http::problem(value.error());
  const std::string key = request.params.at("key");
  if (Status st = repository_->set_version_tag(id->first, id->second, key, *value); !st.ok()) return http::problem(st.error());
  return http::Response::json({{"key", key}, {"value", *value}});
}

http::Response ModelRegistry::delete_version_tag(const http::Request& request) {
  auto id = version_params(request);
  if (!id) return http::problem(id.error());
  const std::string key = request.params.at("key");
  if (Status st = check_name("tag key", key); !st.ok()) return http::problem(st.error());
  if (Status st = repository_->delete_version_tag(id->first, id->second, key); !st.ok()) return http::problem(st.error());
  return no_content();
}

}  // namespace chatdb::model_registry
