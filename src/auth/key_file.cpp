#include "auth/key_file.h"

#include "auth/token.h"
#include "common/json_parse.h"
#include "common/time.h"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

namespace chatdb::auth {
namespace {

bool valid_name(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
  });
}

bool valid_hash(const std::string& hash) {
  return hash.size() == 64 && std::all_of(hash.begin(), hash.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

Result<ApiKey> parse_key(const nlohmann::json& j) {
  if (!j.is_object()) return Error::invalid("a key is not an object");
  ApiKey key;
  auto name = j.find("name");
  auto hash = j.find("sha256");
  auto scopes = j.find("scopes");
  auto created = j.find("created");
  if (name == j.end() || !name->is_string() || !valid_name(name->get<std::string>())) {
    return Error::invalid("a key has no valid name");
  }
  key.name = name->get<std::string>();
  if (hash == j.end() || !hash->is_string() || !valid_hash(hash->get<std::string>())) {
    return Error::invalid("key '" + key.name + "' has no sha256 of 64 lowercase hex digits");
  }
  key.sha256 = hash->get<std::string>();
  if (scopes == j.end() || !scopes->is_array() || scopes->empty()) {
    return Error::invalid("key '" + key.name + "' has no scopes");
  }
  for (const auto& s : *scopes) {
    if (!s.is_string()) return Error::invalid("key '" + key.name + "' has a scope that is not a string");
    auto scope = parse_scope(s.get<std::string>());
    if (!scope) return Error::invalid("key '" + key.name + "': " + scope.error().message);
    key.scopes.push_back(*scope);
  }
  if (created != j.end() && created->is_string()) key.created = created->get<std::string>();
  return key;
}

Error io_error(const std::string& what, const std::filesystem::path& path) {
  return Error::unavailable(what + " " + path.string() + ": " + std::strerror(errno));
}

// Holds an exclusive lock on PATH.lock while a change reads and rewrites the file, so that two
// `chatdb keys create` at once cannot lose a key.
class ChangeLock {
 public:
  explicit ChangeLock(const std::filesystem::path& path) {
    std::error_code ec;
    if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
    std::filesystem::path lock = path;
    lock += ".lock";
    fd_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0) {
      error_ = io_error("cannot open", lock);
      return;
    }
    while (::flock(fd_, LOCK_EX) != 0) {
      if (errno != EINTR) {
        error_ = io_error("cannot lock", lock);
        return;
      }
    }
  }
  ~ChangeLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  ChangeLock(const ChangeLock&) = delete;
  ChangeLock& operator=(const ChangeLock&) = delete;

  const std::optional<Error>& error() const { return error_; }

 private:
  int fd_ = -1;
  std::optional<Error> error_;
};

}  // namespace

bool ApiKey::grants(Scope needed) const {
  return std::any_of(scopes.begin(), scopes.end(), [needed](Scope s) { return s >= needed; });
}

KeyFile::KeyFile(std::filesystem::path path) : path_(std::move(path)) {}

Result<std::vector<ApiKey>> KeyFile::read() const {
  std::error_code ec;
  if (!std::filesystem::exists(path_, ec) && !ec) return std::vector<ApiKey>{};
  std::ifstream in(path_, std::ios::binary);
  if (!in) return io_error("cannot read the API keys file", path_);
  std::ostringstream text;
  text << in.rdbuf();
  auto where = "API keys file " + path_.string() + ": ";
  auto doc = parse_json_or_discarded(text.str());
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("keys") || !doc["keys"].is_array()) {
    return Error::invalid(where + "not JSON of the form {\"keys\": [...]}");
  }
  std::vector<ApiKey> keys;
  std::set<std::string> names;
  for (const auto& j : doc["keys"]) {
    auto key = parse_key(j);
    if (!key) return Error::invalid(where + key.error().message);
    if (!names.insert(key->name).second) return Error::invalid(where + "two keys are named '" + key->name + "'");
    keys.push_back(std::move(*key));
  }
  return keys;
}

Result<std::string> KeyFile::create(const std::string& name, std::vector<Scope> scopes) const {
  if (!valid_name(name)) {
    return Error::invalid("a key name is 1 to 64 letters, digits, '.', '_' or '-': '" + name + "'");
  }
  if (scopes.empty()) return Error::invalid("a key needs at least one scope");
  ChangeLock lock(path_);
  if (lock.error()) return *lock.error();
  auto keys = read();
  if (!keys) return keys.error();
  if (std::any_of(keys->begin(), keys->end(), [&](const ApiKey& k) { return k.name == name; })) {
    return Error::conflict("a key named '" + name + "' exists; revoke it first or choose another name");
  }
  std::string token = new_token();
  keys->push_back(ApiKey{name, token_hash(token), std::move(scopes), utc_now_iso8601()});
  if (Status s = write(*keys); !s) return s.error();
  return token;
}

Status KeyFile::revoke(const std::string& name) const {
  ChangeLock lock(path_);
  if (lock.error()) return *lock.error();
  auto keys = read();
  if (!keys) return keys.error();
  auto it = std::find_if(keys->begin(), keys->end(), [&](const ApiKey& k) { return k.name == name; });
  if (it == keys->end()) return Error::not_found("no key named '" + name + "' in " + path_.string());
  keys->erase(it);
  return write(*keys);
}

Status KeyFile::write(const std::vector<ApiKey>& keys) const {
  nlohmann::json doc = {{"keys", nlohmann::json::array()}};
  for (const auto& k : keys) {
    nlohmann::json scopes = nlohmann::json::array();
    for (Scope s : k.scopes) scopes.push_back(to_string(s));
    doc["keys"].push_back({{"name", k.name}, {"sha256", k.sha256}, {"scopes", scopes}, {"created", k.created}});
  }
  std::string text = doc.dump(2) + "\n";

  std::filesystem::path temp = path_;
  temp += ".tmp." + std::to_string(::getpid());
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return io_error("cannot create", temp);
  bool ok = ::fchmod(fd, 0600) == 0;
  for (std::size_t done = 0; ok && done < text.size();) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<std::size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  ok = ::close(fd) == 0 && ok;
  if (!ok || ::rename(temp.c_str(), path_.c_str()) != 0) {
    Error e = io_error("cannot write", path_);
    ::unlink(temp.c_str());
    return e;
  }
  return Status::success();
}

}  // namespace chatdb::auth
