// The ArtifactStore contract, run against every implementation: a local directory and S3 (a
// real s3rver started on 127.0.0.1 by this file and stopped afterwards). Then what only one
// backend has: S3 that is down, hung or restarted, and the factory.

#include "artifacts/artifact_store.h"
#include "artifacts/artifact_store_factory.h"
#include "artifacts/local_artifact_store.h"
#include "artifacts/s3_artifact_store.h"
#include "artifacts/sha256.h"
#include "common/config.h"
#include "common/ids.h"
#include "tests/support/ports.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_s3_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

namespace chatdb::artifacts {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

using chatdb::testing::free_port;
using chatdb::testing::TempDir;
using S3rver = chatdb::testing::TestS3Server;

constexpr std::size_t kMiB = 1024 * 1024;
// Small S3 parts so that a few MiB already take the multipart path.
constexpr std::size_t kS3PartSize = 1 * kMiB;

S3Options s3_options(const std::string& endpoint, const std::string& bucket) {
  S3Options options;
  options.endpoint = endpoint;
  options.bucket = bucket;
  options.access_key_id = "S3RVER";
  options.secret_access_key = "S3RVER";
  options.part_size = kS3PartSize;
  options.list_page_size = 2;  // so that a listing takes several pages
  options.connect_timeout = 2000ms;
  options.stall_timeout = 10s;
  return options;
}

std::string new_bucket() { return "contract-" + new_id().substr(0, 16); }

/// The process's s3rver, started on first use and stopped when the tests end.
class SharedS3rver : public ::testing::Environment {
 public:
  static S3rver& get() {
    if (!server_) {
      directory_ = std::make_unique<TempDir>();
      server_ = std::make_unique<S3rver>(free_port(), directory_->path());
    }
    return *server_;
  }
  void TearDown() override {
    server_.reset();
    directory_.reset();
  }

 private:
  static inline std::unique_ptr<TempDir> directory_;
  static inline std::unique_ptr<S3rver> server_;
};
[[maybe_unused]] const auto* const kSharedS3rver = ::testing::AddGlobalTestEnvironment(new SharedS3rver);

// ---------------------------------------------------------------------------------------------
// Backends under test

class Backend {
 public:
  virtual ~Backend() = default;
  virtual ArtifactStore& store() = 0;
  /// Replaces the bytes stored under `key` without going through the store under test.
  virtual void overwrite_behind_store(const std::string& key, const std::string& bytes) = 0;
  /// Pieces of unfinished puts the backend holds: temporary files, or parts of S3 multipart uploads.
  virtual std::size_t partial_uploads() = 0;
  /// Whether a failed put's pieces are gone afterwards. s3rver 3.7 answers AbortMultipartUpload
  /// with 405 (not implemented), so its parts stay; AWS and MinIO remove them.
  virtual bool removes_failed_uploads() const = 0;
  /// Whether a put replaces an object atomically. s3rver 3.7 rewrites the object file in place,
  /// so concurrent puts of one key can interleave; AWS and MinIO replace atomically.
  virtual bool replaces_atomically() const = 0;
};

class LocalBackend : public Backend {
 public:
  LocalBackend() {
    auto store = LocalArtifactStore::open(dir_.path() / "artifacts");
    EXPECT_TRUE(store.ok()) << store.error().message;
    store_ = std::move(store).value();
  }
  ArtifactStore& store() override { return *store_; }
  void overwrite_behind_store(const std::string& key, const std::string& bytes) override {
    std::ofstream file(store_->path_of(key), std::ios::binary | std::ios::trunc);
    file << bytes;
    ASSERT_TRUE(file.good());
  }
  std::size_t partial_uploads() override {
    auto files = fs::directory_iterator(dir_.path() / "artifacts" / "tmp");
    return static_cast<std::size_t>(std::distance(fs::begin(files), fs::end(files)));
  }
  bool removes_failed_uploads() const override { return true; }
  bool replaces_atomically() const override { return true; }

 private:
  TempDir dir_;
  std::unique_ptr<LocalArtifactStore> store_;
};

class S3Backend : public Backend {
 public:
  S3Backend() : bucket_(new_bucket()) {
    auto& server = SharedS3rver::get();
    store_ = open(server.endpoint());
    other_ = open(server.endpoint());
  }
  ArtifactStore& store() override { return *store_; }
  void overwrite_behind_store(const std::string& key, const std::string& bytes) override {
    std::istringstream in(bytes);
    ASSERT_TRUE(other_->put(key, in).ok());
  }
  std::size_t partial_uploads() override {
    // s3rver keeps the parts of an unfinished upload in BUCKET/._S3rver_uploads/<upload id>/<n>.
    const fs::path uploads = SharedS3rver::get().directory() / bucket_ / "._S3rver_uploads";
    std::size_t parts = 0;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(uploads, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      const std::string name = it->path().filename().string();
      if (it->is_regular_file() && std::all_of(name.begin(), name.end(), ::isdigit)) ++parts;
    }
    return parts;
  }
  bool removes_failed_uploads() const override { return false; }
  bool replaces_atomically() const override { return false; }

 private:
  std::unique_ptr<S3ArtifactStore> open(const std::string& endpoint) {
    auto store = S3ArtifactStore::open(s3_options(endpoint, bucket_));
    EXPECT_TRUE(store.ok()) << store.error().message;
    return std::move(store).value();
  }

  std::string bucket_;
  std::unique_ptr<S3ArtifactStore> store_;
  std::unique_ptr<S3ArtifactStore> other_;
};

// ---------------------------------------------------------------------------------------------
// Helpers

Reader string_reader(std::string data) {
  auto shared = std::make_shared<std::pair<std::string, std::size_t>>(std::move(data), 0);
  return [shared](char* buffer, std::size_t capacity) -> Result<std::size_t> {
    auto& [bytes, offset] = *shared;
    std::size_t n = std::min(capacity, bytes.size() - offset);
    std::copy_n(bytes.data() + offset, n, buffer);
    offset += n;
    return n;
  };
}

Result<std::string> read_all(ArtifactStore& store, const std::string& key, std::string_view expected = {}) {
  std::ostringstream out;
  auto digest = store.get(key, out, expected);
  if (!digest.ok()) return digest.error();
  return out.str();
}

/// Deterministic pseudo-random bytes, generated on demand and never held whole.
class GeneratedStream {
 public:
  explicit GeneratedStream(std::uint64_t size, std::uint64_t seed = 0x9E3779B97F4A7C15ull)
      : remaining_(size), state_(seed) {}
  std::size_t read(char* buffer, std::size_t capacity) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(capacity, remaining_));
    for (std::size_t i = 0; i < n; ++i) {
      state_ ^= state_ << 13;
      state_ ^= state_ >> 7;
      state_ ^= state_ << 17;
      buffer[i] = static_cast<char>(state_ >> 56);
    }
    remaining_ -= n;
    return n;
  }

 private:
  std::uint64_t remaining_;
  std::uint64_t state_;
};

std::string run(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[256];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) out += buffer;
  ::pclose(pipe);
  return out;
}

/// The SHA-256 of a generated stream by coreutils' sha256sum, fed through a pipe.
std::string sha256sum_of_stream(std::uint64_t size, const fs::path& scratch) {
  const fs::path out = scratch / "sha256sum.out";
  FILE* pipe = ::popen(("sha256sum > " + out.string()).c_str(), "w");
  if (pipe == nullptr) return {};
  GeneratedStream stream(size);
  std::string buffer(kMiB, '\0');
  while (std::size_t n = stream.read(buffer.data(), buffer.size())) std::fwrite(buffer.data(), 1, n, pipe);
  ::pclose(pipe);
  return run("cut -c1-64 " + out.string()).substr(0, 64);
}

// ---------------------------------------------------------------------------------------------
// The contract

enum class Kind { kLocal, kS3 };

class ArtifactStoreContract : public ::testing::TestWithParam<Kind> {
 protected:
  void SetUp() override {
    if (GetParam() == Kind::kLocal) {
      backend_ = std::make_unique<LocalBackend>();
    } else {
      backend_ = std::make_unique<S3Backend>();
    }
  }
  ArtifactStore& store() { return backend_->store(); }

  std::unique_ptr<Backend> backend_;
};

TEST_P(ArtifactStoreContract, PutThenGetRoundTripsWithDigestAndSize) {
  std::istringstream in("hello world");
  auto put = store().put("models/demo/1/model.json", in);
  ASSERT_TRUE(put.ok()) << put.error().message;
  // sha256("hello world"), a published vector.
  const std::string digest = "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9";
  EXPECT_EQ(put->sha256, digest);
  EXPECT_EQ(put->size, 11u);

  std::ostringstream out;
  auto got = store().get("models/demo/1/model.json", out, digest);
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(out.str(), "hello world");
  EXPECT_EQ(got->sha256, digest);
  EXPECT_EQ(got->size, 11u);
}

TEST_P(ArtifactStoreContract, DigestMatchesCoreutilsSha256sum) {
  TempDir scratch;
  const fs::path file = scratch.path() / "data.bin";
  {
    std::ofstream out(file, std::ios::binary);
    GeneratedStream stream(300 * 1024 + 7, 42);
    std::string buffer(300 * 1024 + 7, '\0');
    out.write(buffer.data(), static_cast<std::streamsize>(stream.read(buffer.data(), buffer.size())));
  }
  std::ifstream in(file, std::ios::binary);
  auto put = store().put("datasets/data.bin", in);
  ASSERT_TRUE(put.ok()) << put.error().message;
  EXPECT_EQ(put->sha256, run("sha256sum " + file.string()).substr(0, 64));
  EXPECT_EQ(put->size, 300u * 1024 + 7);
}

TEST_P(ArtifactStoreContract, EmptyObjectRoundTrips) {
  auto put = store().put("empty", string_reader(""));
  ASSERT_TRUE(put.ok()) << put.error().message;
  EXPECT_EQ(put->sha256, Sha256::of(""));
  EXPECT_EQ(put->size, 0u);
  auto got = read_all(store(), "empty", put->sha256);
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(*got, "");
}

TEST_P(ArtifactStoreContract, GetWithAnotherExpectedDigestFails) {
  ASSERT_TRUE(store().put("a", string_reader("payload")).ok());
  auto got = read_all(store(), "a", Sha256::of("something else"));
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::kInternal);
  EXPECT_NE(got.error().message.find("artifact corrupted"), std::string::npos) << got.error().message;
  EXPECT_FALSE(got.error().retryable);
}

TEST_P(ArtifactStoreContract, CorruptionBehindTheStoreIsDetected) {
  const std::string original(64 * 1024, 'x');
  auto put = store().put("sha256/object", string_reader(original));
  ASSERT_TRUE(put.ok()) << put.error().message;
  std::string damaged = original;
  damaged[1000] = 'y';  // same size: only the digest can tell
  backend_->overwrite_behind_store("sha256/object", damaged);

  auto got = read_all(store(), "sha256/object", put->sha256);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::kInternal);
  EXPECT_NE(got.error().message.find("artifact corrupted"), std::string::npos) << got.error().message;
  // Without an expected digest the read succeeds and reports what is really there.
  std::ostringstream out;
  auto unchecked = store().get("sha256/object", out);
  ASSERT_TRUE(unchecked.ok());
  EXPECT_EQ(unchecked->sha256, Sha256::of(damaged));
}

TEST_P(ArtifactStoreContract, MalformedExpectedDigestIsInvalid) {
  ASSERT_TRUE(store().put("a", string_reader("payload")).ok());
  auto got = read_all(store(), "a", "not-a-digest");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::kInvalidArgument);
}

TEST_P(ArtifactStoreContract, MissingKeyIsNotFound) {
  auto got = read_all(store(), "sha256/missing");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::kNotFound);
  EXPECT_NE(got.error().message.find("sha256/missing"), std::string::npos) << got.error().message;
  auto exists = store().exists("sha256/missing");
  ASSERT_TRUE(exists.ok()) << exists.error().message;
  EXPECT_FALSE(*exists);
}

TEST_P(ArtifactStoreContract, ExistsAndRemove) {
  ASSERT_TRUE(store().put("dir/key", string_reader("v")).ok());
  ASSERT_TRUE(store().put("dir/other", string_reader("w")).ok());
  EXPECT_TRUE(*store().exists("dir/key"));
  EXPECT_FALSE(*store().exists("dir"));  // a prefix of keys is no object

  ASSERT_TRUE(store().remove("dir/key").ok());
  EXPECT_FALSE(*store().exists("dir/key"));
  EXPECT_EQ(read_all(store(), "dir/key").error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(store().remove("dir/key").ok()) << "remove is idempotent";
  EXPECT_TRUE(*store().exists("dir/other"));
  auto listed = store().list("");
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].key, "dir/other");
}

TEST_P(ArtifactStoreContract, PutIsIdempotentAndReplaces) {
  auto first = store().put("k", string_reader("same"));
  auto again = store().put("k", string_reader("same"));
  ASSERT_TRUE(first.ok() && again.ok());
  EXPECT_EQ(first->sha256, again->sha256);
  EXPECT_EQ(store().list("")->size(), 1u);

  auto replaced = store().put("k", string_reader("different"));
  ASSERT_TRUE(replaced.ok());
  auto got = read_all(store(), "k", replaced->sha256);
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(*got, "different");
}

TEST_P(ArtifactStoreContract, ListByPrefixIsSortedAndPaged) {
  // Five keys under list/ take three pages of two on S3.
  for (const char* key : {"list/e", "list/a", "list/c/deep", "list/b", "list/d"}) {
    ASSERT_TRUE(store().put(key, string_reader(key)).ok()) << key;
  }
  ASSERT_TRUE(store().put("listing/x", string_reader("12345")).ok());
  ASSERT_TRUE(store().put("other/y", string_reader("")).ok());

  auto keys = [&](const std::string& prefix) {
    std::vector<std::string> out;
    auto listed = store().list(prefix);
    EXPECT_TRUE(listed.ok()) << listed.error().message;
    if (listed.ok()) {
      for (const auto& entry : *listed) out.push_back(entry.key);
    }
    return out;
  };
  using Keys = std::vector<std::string>;
  EXPECT_EQ(keys("list/"), (Keys{"list/a", "list/b", "list/c/deep", "list/d", "list/e"}));
  EXPECT_EQ(keys("list"), (Keys{"list/a", "list/b", "list/c/deep", "list/d", "list/e", "listing/x"}));
  EXPECT_EQ(keys("list/c"), (Keys{"list/c/deep"}));
  EXPECT_EQ(keys(""), (Keys{"list/a", "list/b", "list/c/deep", "list/d", "list/e", "listing/x", "other/y"}));
  EXPECT_EQ(keys("nothing/"), Keys{});

  auto listed = store().list("listing/");
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].size, 5u);
}

TEST_P(ArtifactStoreContract, LargeObjectIsStreamedBothWays) {
  constexpr std::uint64_t kSize = 20 * kMiB + 123;  // several S3 parts, plus a short last one
  TempDir scratch;
  const std::string expected = sha256sum_of_stream(kSize, scratch.path());
  ASSERT_EQ(expected.size(), 64u);

  GeneratedStream stream(kSize);
  std::uint64_t produced = 0;
  std::size_t largest_request = 0;
  std::size_t partial_seen = 0;
  auto put = store().put("big/object.bin", [&](char* buffer, std::size_t capacity) -> Result<std::size_t> {
    largest_request = std::max(largest_request, capacity);
    // Once a few MiB went in, the backend must already hold some of them: it streams.
    if (produced > 3 * kMiB && partial_seen == 0) partial_seen = backend_->partial_uploads();
    std::size_t n = stream.read(buffer, capacity);
    produced += n;
    return n;
  });
  ASSERT_TRUE(put.ok()) << put.error().message;
  EXPECT_EQ(put->sha256, expected);
  EXPECT_EQ(put->size, kSize);
  EXPECT_LE(largest_request, 8 * kMiB) << "the store asked for the object in one piece";
  EXPECT_GT(partial_seen, 0u) << "nothing was written while the object was still being read";
  EXPECT_EQ(backend_->partial_uploads(), 0u) << "a finished put left pieces behind";

  std::uint64_t received = 0;
  std::size_t largest_chunk = 0;
  Sha256 independent;
  auto got = store().get(
      "big/object.bin",
      [&](std::string_view chunk) -> Status {
        received += chunk.size();
        largest_chunk = std::max(largest_chunk, chunk.size());
        independent.update(chunk);
        return Status::success();
      },
      expected);
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(received, kSize);
  EXPECT_EQ(independent.finish(), expected);
  EXPECT_LE(largest_chunk, 1 * kMiB);
}

TEST_P(ArtifactStoreContract, FailedPutKeepsThePreviousObjectAndLeavesNothingBehind) {
  auto v1 = store().put("model", string_reader("version 1"));
  ASSERT_TRUE(v1.ok());
  // Fails after 3.5 MiB: past the first S3 parts, so a multipart upload must be aborted.
  GeneratedStream stream(100 * kMiB);
  std::uint64_t produced = 0;
  auto put = store().put("model", [&](char* buffer, std::size_t capacity) -> Result<std::size_t> {
    if (produced > 3 * kMiB + kMiB / 2) return Error::unavailable("client went away");
    std::size_t n = stream.read(buffer, std::min<std::size_t>(capacity, 256 * 1024));
    produced += n;
    return n;
  });
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.error().message, "client went away");
  EXPECT_EQ(put.error().code, ErrorCode::kUnavailable);

  auto got = read_all(store(), "model", v1->sha256);
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(*got, "version 1");
  if (backend_->removes_failed_uploads()) {
    EXPECT_EQ(backend_->partial_uploads(), 0u);
  } else {
    EXPECT_GT(backend_->partial_uploads(), 0u) << "the failed put never reached the multipart path";
  }
}

TEST_P(ArtifactStoreContract, WriterErrorStopsTheGet) {
  ASSERT_TRUE(store().put("big", [stream = std::make_shared<GeneratedStream>(4 * kMiB)](char* b, std::size_t c)
                                     -> Result<std::size_t> { return stream->read(b, c); })
                  .ok());
  std::uint64_t received = 0;
  auto got = store().get("big", [&](std::string_view chunk) -> Status {
    received += chunk.size();
    return Error::internal("disk full");
  });
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().message, "disk full");
  EXPECT_LT(received, 4 * kMiB);
}

TEST_P(ArtifactStoreContract, KeysThatEscapeOrAreMalformedAreRejected) {
  const std::vector<std::string> bad = {"",           "../escape",  "a/../../escape", "/etc/passwd", "a//b",
                                        "a/",         "a/./b",      "..",             ".",           "with space",
                                        "back\\slash", "semi;colon", "query?x",        "percent%2F",
                                        std::string("nul\0byte", 8), std::string(1025, 'k')};
  for (const auto& key : bad) {
    SCOPED_TRACE("key '" + key + "'");
    auto put = store().put(key, string_reader("x"));
    ASSERT_FALSE(put.ok());
    EXPECT_EQ(put.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(read_all(store(), key).error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(store().exists(key).error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(store().remove(key).error().code, ErrorCode::kInvalidArgument);
  }
  EXPECT_EQ(store().list("../").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(store().list("/abs").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(store().list("a/../").error().code, ErrorCode::kInvalidArgument);
  auto all = store().list("");
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->empty()) << "a rejected key was stored";
  EXPECT_EQ(store().put(std::string(256, 's'), string_reader("x")).error().code, ErrorCode::kInvalidArgument);
  // The longest valid key and every allowed character work (segments of 200: s3rver stores
  // an object as a file named after its last segment plus a suffix).
  std::string longest;
  while (longest.size() < 1000) longest += std::string(200, 'a') + "/";
  longest += std::string(1024 - longest.size(), 'z');
  ASSERT_EQ(longest.size(), 1024u);
  auto put_longest = store().put(longest, string_reader("x"));
  EXPECT_TRUE(put_longest.ok()) << put_longest.error().message;
  EXPECT_TRUE(*store().exists(longest));
  EXPECT_TRUE(store().put("A-Z_a.z~0/9", string_reader("x")).ok());
}

TEST_P(ArtifactStoreContract, ConcurrentCallsOnDifferentKeys) {
  std::mutex mutex;
  std::vector<std::string> failures;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 3; ++i) {
        const std::string key = "thread-" + std::to_string(t) + "/" + std::to_string(i);
        const std::string content(100 * 1024 + t * 10 + i, static_cast<char>('a' + t));
        auto put = store().put(key, string_reader(content));
        auto got = put.ok() ? read_all(store(), key, put->sha256) : Result<std::string>(put.error());
        std::lock_guard lock(mutex);
        if (!got.ok()) failures.push_back(got.error().message);
        else if (*got != content) failures.push_back(key + " came back different");
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_TRUE(failures.empty()) << failures.size() << " calls failed, first: " << failures.front();
  EXPECT_EQ(store().list("thread-")->size(), 12u);
}

TEST_P(ArtifactStoreContract, ConcurrentPutsOfOneKeyLeaveOneWholeObject) {
  if (!backend_->replaces_atomically()) GTEST_SKIP() << "this test server rewrites objects in place";
  std::vector<std::string> contents;
  for (char c : {'a', 'b', 'c', 'd'}) contents.emplace_back(200 * 1024, c);
  std::vector<std::string> digests;
  for (const auto& content : contents) digests.push_back(Sha256::of(content));
  std::mutex mutex;
  std::vector<std::string> failures;
  std::vector<std::thread> writers;
  for (const auto& content : contents) {
    writers.emplace_back([&, content] {
      for (int i = 0; i < 3; ++i) {
        auto put = store().put("contended", string_reader(content));
        std::lock_guard lock(mutex);
        if (!put.ok()) failures.push_back(put.error().message);
      }
    });
  }
  for (auto& writer : writers) writer.join();
  EXPECT_TRUE(failures.empty()) << failures.size() << " puts failed, first: " << failures.front();
  std::ostringstream out;
  auto got = store().get("contended", out);
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_NE(std::find(digests.begin(), digests.end(), got->sha256), digests.end()) << "a torn object";
  EXPECT_EQ(backend_->partial_uploads(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Backends, ArtifactStoreContract, ::testing::Values(Kind::kLocal, Kind::kS3),
                         [](const auto& info) { return info.param == Kind::kLocal ? "Local" : "S3"; });

// ---------------------------------------------------------------------------------------------
// S3 that is down, hung, or comes back

void expect_unavailable(const Error& error, const std::string& endpoint) {
  EXPECT_EQ(error.code, ErrorCode::kUnavailable) << error.message;
  EXPECT_TRUE(error.retryable) << error.message;
  EXPECT_NE(error.message.find(endpoint), std::string::npos) << error.message;
}

void expect_every_operation_unavailable(ArtifactStore& store, const std::string& endpoint) {
  auto put = store.put("k", string_reader("data"));
  ASSERT_FALSE(put.ok());
  expect_unavailable(put.error(), endpoint);
  auto got = read_all(store, "k");
  ASSERT_FALSE(got.ok());
  expect_unavailable(got.error(), endpoint);
  auto exists = store.exists("k");
  ASSERT_FALSE(exists.ok());
  expect_unavailable(exists.error(), endpoint);
  auto removed = store.remove("k");
  ASSERT_FALSE(removed.ok());
  expect_unavailable(removed.error(), endpoint);
  auto listed = store.list("");
  ASSERT_FALSE(listed.ok());
  expect_unavailable(listed.error(), endpoint);
}

TEST(S3ArtifactStore, ClosedPortMakesEveryOperationUnavailableQuickly) {
  const std::string endpoint = "http://127.0.0.1:" + std::to_string(free_port());
  auto store = S3ArtifactStore::open(s3_options(endpoint, "model-artifacts"));
  ASSERT_TRUE(store.ok());
  const auto start = std::chrono::steady_clock::now();
  expect_every_operation_unavailable(**store, endpoint);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST(S3ArtifactStore, ServerThatNeverAnswersTimesOutAsUnavailable) {
  // Listens (the kernel completes handshakes) but never reads or answers.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 16), 0);
  socklen_t length = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length);
  const std::string endpoint = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));

  auto options = s3_options(endpoint, "model-artifacts");
  options.stall_timeout = 1s;
  auto store = S3ArtifactStore::open(options);
  ASSERT_TRUE(store.ok());
  const auto start = std::chrono::steady_clock::now();
  auto exists = (*store)->exists("k");
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ::close(fd);
  ASSERT_FALSE(exists.ok());
  expect_unavailable(exists.error(), endpoint);
  EXPECT_GE(elapsed, 900ms);
  EXPECT_LT(elapsed, 5s);
}

TEST(S3ArtifactStore, RecoversWhenTheServerComesBack) {
  TempDir dir;
  S3rver server(free_port(), dir.path());
  auto store = S3ArtifactStore::open(s3_options(server.endpoint(), "model-artifacts"));
  ASSERT_TRUE(store.ok());
  auto put = (*store)->put("sha256/kept", string_reader("survives restarts"));
  ASSERT_TRUE(put.ok()) << put.error().message;

  server.stop();
  expect_every_operation_unavailable(**store, server.endpoint());

  server.start();
  // Same store object: its pooled connections died with the old server.
  auto got = read_all(**store, "sha256/kept", put->sha256);
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(*got, "survives restarts");
  EXPECT_TRUE((*store)->put("after", string_reader("x")).ok());
}

TEST(S3ArtifactStore, ReadsNeverCreateAMissingBucketAndThePutDoes) {
  // Reading an s3:// dataset used to create its bucket (HEAD, then PUT bucket).
  auto& server = SharedS3rver::get();
  const std::string bucket = new_bucket();
  ASSERT_FALSE(fs::exists(server.directory() / bucket));
  auto store = S3ArtifactStore::open(s3_options(server.endpoint(), bucket));
  ASSERT_TRUE(store.ok());
  auto got = read_all(**store, "data/x.csv");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::kNotFound) << got.error().message;
  auto exists = (*store)->exists("data/x.csv");
  ASSERT_TRUE(exists.ok()) << exists.error().message;
  EXPECT_FALSE(*exists);
  auto listed = (*store)->list("");
  ASSERT_TRUE(listed.ok()) << listed.error().message;
  EXPECT_TRUE(listed->empty());
  EXPECT_TRUE((*store)->remove("data/x.csv").ok());
  EXPECT_FALSE(fs::exists(server.directory() / bucket));

  ASSERT_TRUE((*store)->put("data/x.csv", string_reader("a,b\n")).ok());
  EXPECT_TRUE(fs::is_directory(server.directory() / bucket));
}

TEST(S3ArtifactStore, RejectsUnusableOptions) {
  EXPECT_EQ(S3ArtifactStore::open(s3_options("ftp://host", "bucket")).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(S3ArtifactStore::open(s3_options("http://host:9000", "Bad_Bucket")).error().code,
            ErrorCode::kInvalidArgument);
  auto options = s3_options("http://host:9000", "bucket");
  options.part_size = 0;
  EXPECT_EQ(S3ArtifactStore::open(options).error().code, ErrorCode::kInvalidArgument);
}

// ---------------------------------------------------------------------------------------------
// Local-only behaviour

TEST(LocalArtifactStore, AKeyCannotAlsoBeTheDirectoryOfAnother) {
  TempDir dir;
  auto store = LocalArtifactStore::open(dir.path());
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->put("a/b", string_reader("x")).ok());
  auto put = (*store)->put("a", string_reader("y"));
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.error().code, ErrorCode::kConflict);
  ASSERT_TRUE((*store)->put("c", string_reader("x")).ok());
  auto nested = (*store)->put("c/d", string_reader("y"));
  ASSERT_FALSE(nested.ok());
  EXPECT_EQ(nested.error().code, ErrorCode::kConflict);
}

TEST(LocalArtifactStore, RemovePrunesEmptyDirectories) {
  TempDir dir;
  auto store = LocalArtifactStore::open(dir.path());
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->put("x/y/z", string_reader("1")).ok());
  ASSERT_TRUE((*store)->remove("x/y/z").ok());
  EXPECT_FALSE(fs::exists(dir.path() / "objects" / "x"));
  EXPECT_TRUE(fs::is_directory(dir.path() / "objects"));
}

TEST(LocalArtifactStore, UnusableRootIsUnavailable) {
  TempDir dir;
  std::ofstream(dir.path() / "file") << "not a directory";
  auto store = LocalArtifactStore::open(dir.path() / "file" / "artifacts");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, ErrorCode::kUnavailable);
}

// ---------------------------------------------------------------------------------------------
// The factory

TEST(ArtifactStoreFactory, LocalDirectoryWithoutAnS3Endpoint) {
  TempDir dir;
  const Config config = Config::from_values({{"CHATDB_DATA_DIR", dir.path().string()}});
  auto store = make_artifact_store(config);
  ASSERT_TRUE(store.ok()) << store.error().message;
  ASSERT_TRUE((*store)->put("sha256/abc", string_reader("local")).ok());
  std::ifstream file(dir.path() / "artifacts" / "objects" / "sha256" / "abc");
  std::string content;
  std::getline(file, content);
  EXPECT_EQ(content, "local");
}

TEST(ArtifactStoreFactory, S3WhenAnEndpointIsConfigured) {
  auto& server = SharedS3rver::get();
  const std::string bucket = new_bucket();
  const Config config = Config::from_values({{"S3_ENDPOINT", server.endpoint()},
                                             {"S3_BUCKET", bucket},
                                             {"AWS_ACCESS_KEY_ID", "S3RVER"},
                                             {"AWS_SECRET_ACCESS_KEY", "S3RVER"}});
  auto store = make_artifact_store(config);
  ASSERT_TRUE(store.ok()) << store.error().message;
  auto put = (*store)->put("sha256/abc", string_reader("remote"));
  ASSERT_TRUE(put.ok()) << put.error().message;
  // Visible through a store opened directly on the same bucket.
  auto direct = S3ArtifactStore::open(s3_options(server.endpoint(), bucket));
  ASSERT_TRUE(direct.ok());
  auto got = read_all(**direct, "sha256/abc", put->sha256);
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(*got, "remote");
}

TEST(ArtifactStoreFactory, InvalidBucketNameIsInvalidArgument) {
  const Config config = Config::from_values({{"S3_ENDPOINT", "http://127.0.0.1:9"}, {"S3_BUCKET", "Not_A_Bucket"}});
  auto store = make_artifact_store(config);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace chatdb::artifacts
