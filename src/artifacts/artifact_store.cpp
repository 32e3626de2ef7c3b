#include "artifacts/artifact_store.h"

#include "artifacts/sha256.h"

#include <istream>
#include <ostream>

namespace chatdb::artifacts {
namespace {

constexpr std::size_t kMaxKeyLength = 1024;
// A segment is a file name in a file:// store, and file systems cap those at 255 bytes.
constexpr std::size_t kMaxSegmentLength = 255;

bool allowed(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
         c == '-' || c == '~' || c == '/';
}

Error bad_key(std::string_view key, const std::string& problem) {
  return Error::invalid("invalid artifact key '" + std::string(key) + "': " + problem);
}

}  // namespace

std::string ArtifactStore::key_problem(std::string_view key, bool as_prefix) {
  if (key.empty() && !as_prefix) return "it is empty";
  if (key.size() > kMaxKeyLength) return "it is longer than 1024 characters";
  for (char c : key) {
    if (!allowed(c)) return "only A-Z a-z 0-9 . _ - ~ and / are allowed";
  }
  if (!key.empty() && key.front() == '/') return "it must be relative (no leading /)";
  std::size_t start = 0;
  while (start <= key.size()) {
    std::size_t end = key.find('/', start);
    bool last = end == std::string_view::npos;
    if (last) end = key.size();
    std::string_view segment = key.substr(start, end - start);
    // A prefix may stop anywhere inside its last segment.
    if (!(last && as_prefix)) {
      if (segment.empty()) return "it has an empty segment (// or a trailing /)";
      if (segment == "." || segment == "..") return "it has a . or .. segment";
    }
    if (segment.size() > kMaxSegmentLength) return "a segment between slashes is longer than 255 characters";
    start = end + 1;
  }
  return {};
}

Result<Digest> ArtifactStore::put(const std::string& key, const Reader& reader) {
  if (auto problem = key_problem(key); !problem.empty()) return bad_key(key, problem);
  Sha256 hasher;
  std::uint64_t size = 0;
  Reader hashing = [&](char* buffer, std::size_t capacity) -> Result<std::size_t> {
    auto n = reader(buffer, capacity);
    if (n.ok()) {
      hasher.update(buffer, *n);
      size += *n;
    }
    return n;
  };
  if (auto status = do_put(key, hashing); !status.ok()) return status.error();
  return Digest{hasher.finish(), size};
}

Result<Digest> ArtifactStore::put(const std::string& key, std::istream& in) {
  return put(key, [&in](char* buffer, std::size_t capacity) -> Result<std::size_t> {
    in.read(buffer, static_cast<std::streamsize>(capacity));
    if (in.bad()) return Error::internal("reading the artifact's input stream failed");
    return static_cast<std::size_t>(in.gcount());
  });
}

Result<Digest> ArtifactStore::get(const std::string& key, const Writer& writer, std::string_view expected_sha256) {
  if (auto problem = key_problem(key); !problem.empty()) return bad_key(key, problem);
  if (!expected_sha256.empty() && !Sha256::is_hex_digest(expected_sha256)) {
    return Error::invalid("expected sha256 '" + std::string(expected_sha256) +
                          "' is not 64 lowercase hex digits");
  }
  Sha256 hasher;
  std::uint64_t size = 0;
  Writer hashing = [&](std::string_view chunk) {
    hasher.update(chunk);
    size += chunk.size();
    return writer(chunk);
  };
  if (auto status = do_get(key, hashing); !status.ok()) return status.error();
  Digest digest{hasher.finish(), size};
  if (!expected_sha256.empty() && digest.sha256 != expected_sha256) {
    return Error::internal("artifact corrupted: '" + key + "' has sha256 " + digest.sha256 + " (" +
                           std::to_string(size) + " bytes) but " + std::string(expected_sha256) +
                           " was expected; restore it from a backup or register it again");
  }
  return digest;
}

Result<Digest> ArtifactStore::get(const std::string& key, std::ostream& out, std::string_view expected_sha256) {
  return get(
      key,
      [&out](std::string_view chunk) -> Status {
        out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        if (!out) return Error::internal("writing the artifact to its output stream failed");
        return Status::success();
      },
      expected_sha256);
}

Result<bool> ArtifactStore::exists(const std::string& key) {
  if (auto problem = key_problem(key); !problem.empty()) return bad_key(key, problem);
  return do_exists(key);
}

Status ArtifactStore::remove(const std::string& key) {
  if (auto problem = key_problem(key); !problem.empty()) return bad_key(key, problem);
  return do_remove(key);
}

Result<std::vector<ObjectEntry>> ArtifactStore::list(const std::string& prefix) {
  if (auto problem = key_problem(prefix, true); !problem.empty()) {
    return Error::invalid("invalid artifact key prefix '" + prefix + "': " + problem);
  }
  return do_list(prefix);
}

}  // namespace chatdb::artifacts
