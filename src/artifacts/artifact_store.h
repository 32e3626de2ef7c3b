#pragma once

#include "common/error.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace chatdb::artifacts {

/// Fills `buffer` with up to `capacity` bytes of the object being stored; returns how many it
/// wrote, 0 at the end, or an error that aborts the put (and is returned by it).
using Reader = std::function<Result<std::size_t>(char* buffer, std::size_t capacity)>;

/// Takes the next bytes of the object being read; an error aborts the get (and is returned by it).
using Writer = std::function<Status(std::string_view chunk)>;

/// What was stored or read: the SHA-256 of the bytes (64 lowercase hex digits) and their count.
struct Digest {
  std::string sha256;
  std::uint64_t size = 0;
};

/// One object of a listing.
struct ObjectEntry {
  std::string key;
  std::uint64_t size = 0;
};

/// Immutable-blob storage for model artifacts and datasets: a local directory (file://) or an
/// S3 bucket (s3://). Objects are streamed in bounded chunks, never held whole in memory.
///
/// Keys are chosen by the caller (the registry uses `sha256/<digest>`): 1-1024 characters of
/// A-Z a-z 0-9 . _ - ~ and `/` as a separator, in segments of 1-255 characters that are not
/// `.` or `..`, not starting with `/`; anything else is kInvalidArgument, before any I/O, on
/// every backend.
///
/// - put: stores the reader's bytes under `key`, computing their SHA-256 while they stream.
///   The object appears whole or not at all; a put on an existing key replaces it atomically
///   (on S3 as the server does: AWS and MinIO do), so repeating a put (a retry) is harmless.
/// - get: streams the object to the writer and computes its SHA-256; when `expected_sha256` is
///   given and differs, fails with kInternal "artifact corrupted". Bytes reach the writer before
///   the check can complete: on any error the caller discards what the writer received.
/// - exists / remove / list: remove of a missing key succeeds (it is idempotent); list returns
///   every object whose key starts with `prefix` (a plain string prefix), sorted by key.
///
/// Errors: a missing key is kNotFound; a store that cannot be reached is kUnavailable,
/// retryable, with a message naming it; a bad key or digest is kInvalidArgument; failures of
/// the reader or writer are returned as they came.
/// Thread-safety: all methods may be called concurrently, also on the same key.
class ArtifactStore {
 public:
  virtual ~ArtifactStore() = default;

  Result<Digest> put(const std::string& key, const Reader& reader);
  Result<Digest> put(const std::string& key, std::istream& in);
  Result<Digest> get(const std::string& key, const Writer& writer, std::string_view expected_sha256 = {});
  Result<Digest> get(const std::string& key, std::ostream& out, std::string_view expected_sha256 = {});
  Result<bool> exists(const std::string& key);
  Status remove(const std::string& key);
  Result<std::vector<ObjectEntry>> list(const std::string& prefix);

  /// Why `key` is not a valid key (or, with `as_prefix`, not a valid start of one), or an
  /// empty string when it is.
  static std::string key_problem(std::string_view key, bool as_prefix = false);

 protected:
  // The backends' share: keys are already validated, and put's reader and get's writer
  // already hash what passes through them.
  virtual Status do_put(const std::string& key, const Reader& reader) = 0;
  virtual Status do_get(const std::string& key, const Writer& writer) = 0;
  virtual Result<bool> do_exists(const std::string& key) = 0;
  virtual Status do_remove(const std::string& key) = 0;
  virtual Result<std::vector<ObjectEntry>> do_list(const std::string& prefix) = 0;
};

}  // namespace chatdb::artifacts
