#pragma once

#include "artifacts/artifact_store.h"

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

namespace chatdb::artifacts {

/// Where and how to reach an S3 bucket.
struct S3Options {
  std::string endpoint;  // http(s)://host:port, path-style: objects are ENDPOINT/BUCKET/KEY
  std::string bucket;
  std::string access_key_id;
  std::string secret_access_key;
  std::string region = "us-east-1";
  /// Objects up to this size go in one PUT; larger ones in a multipart upload of parts of this
  /// size (S3 wants parts of at least 5 MiB). One part is buffered per put in progress.
  std::size_t part_size = 8 * 1024 * 1024;
  /// Keys per ListObjectsV2 page (S3 caps it at 1000).
  int list_page_size = 1000;
  std::chrono::milliseconds connect_timeout{2000};
  /// A transfer that moves no byte for this long is abandoned (kUnavailable).
  std::chrono::seconds stall_timeout{30};
};

/// Artifacts in an S3 bucket (AWS, MinIO, s3rver) over libcurl with SigV4 and path-style URLs.
/// Request bodies are signed with their own SHA-256 (x-amz-content-sha256). The first put
/// creates the bucket when missing; reads never write: in a missing bucket get finds nothing
/// (kNotFound), exists is false, list is empty and remove has nothing to do. An endpoint that refuses connections, times out or
/// answers 5xx gives kUnavailable (retryable) naming the endpoint; refused credentials give
/// kUnavailable, not retryable. A put is buffered up to one part before anything is sent, so
/// a failing reader never leaves a partial object; atomic replacement of an existing key is
/// the server's (AWS and MinIO give it; s3rver, a test server, does not).
/// Thread-safe: each call uses its own connection from a pool.
class S3ArtifactStore final : public ArtifactStore {
 public:
  /// Checks the options (an http(s) endpoint, a valid bucket name, part and page sizes); does
  /// not contact the endpoint, so a store can be made while S3 is down.
  static Result<std::unique_ptr<S3ArtifactStore>> open(S3Options options);
  ~S3ArtifactStore() override;

 protected:
  Status do_put(const std::string& key, const Reader& reader) override;
  Status do_get(const std::string& key, const Writer& writer) override;
  Result<bool> do_exists(const std::string& key) override;
  Status do_remove(const std::string& key) override;
  Result<std::vector<ObjectEntry>> do_list(const std::string& prefix) override;

 private:
  struct Impl;
  explicit S3ArtifactStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace chatdb::artifacts
