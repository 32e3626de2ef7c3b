// VersionArtifacts against SQLite and a real PostgreSQL 15 with a local artifact store:
// content addressing, verified downloads, deletion with garbage collection, and the race
// between deleting and uploading the same bytes.

#include "artifacts/sha256.h"
#include "tests/unit/model_registry/registry_backends.h"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <future>
#include <thread>

namespace chatdb::model_registry::testing {
namespace {

// Passes everything to a real store, with hooks to fail or slow down removals.
class ControlledStore : public artifacts::ArtifactStore {
 public:
  explicit ControlledStore(std::shared_ptr<artifacts::ArtifactStore> inner) : inner_(std::move(inner)) {}

  std::atomic<bool> fail_removes{false};
  std::function<void()> before_remove;

 protected:
  Status do_put(const std::string& key, const artifacts::Reader& reader) override {
    auto r = inner_->put(key, reader);
    return r.ok() ? Status::success() : Status(r.error());
  }
  Status do_get(const std::string& key, const artifacts::Writer& writer) override {
    auto r = inner_->get(key, writer);
    return r.ok() ? Status::success() : Status(r.error());
  }
  Result<bool> do_exists(const std::string& key) override { return inner_->exists(key); }
  Status do_remove(const std::string& key) override {
    if (before_remove) before_remove();
    if (fail_removes) return Error::unavailable("artifact store down (test)");
    return inner_->remove(key);
  }
  Result<std::vector<artifacts::ObjectEntry>> do_list(const std::string& prefix) override { return inner_->list(prefix); }

 private:
  std::shared_ptr<artifacts::ArtifactStore> inner_;
};

class VersionArtifactsTest : public RegistryTest {
 protected:
  void SetUp() override {
    RegistryTest::SetUp();
    if (HasFatalFailure()) return;
    controlled_ = std::make_shared<ControlledStore>(local_);
    artifacts_ = std::make_shared<VersionArtifacts>(repository_, controlled_, std::chrono::seconds(5));
  }

  bool object_exists(const std::string& bytes) {
    auto e = local_->exists(VersionArtifacts::key_of(artifacts::Sha256::of(bytes)));
    EXPECT_TRUE(e.ok());
    return e.ok() && *e;
  }

  std::size_t object_count() {
    auto l = local_->list("sha256/");
    EXPECT_TRUE(l.ok());
    return l.ok() ? l->size() : 0;
  }

  std::string download(const std::string& model, std::int64_t version) {
    auto v = repository_->get_version(model, version);
    EXPECT_TRUE(v.ok()) << v.error().message;
    if (!v.ok()) return {};
    auto a = artifacts_->download(*v);
    EXPECT_TRUE(a.ok()) << a.error().message;
    return a.ok() ? a->bytes : std::string();
  }

  std::shared_ptr<ControlledStore> controlled_;
  std::shared_ptr<VersionArtifacts> artifacts_;
};

TEST_P(VersionArtifactsTest, UploadStoresTheBytesUnderTheirDigestAndMakesTheVersionReady) {
  register_new("m");
  const std::string bytes = "{\"learner\": \"xgboost\"}";
  auto v = artifacts_->upload("m", 1, bytes);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->status, kReady);
  EXPECT_EQ(v->artifact_sha256, artifacts::Sha256::of(bytes));
  EXPECT_EQ(v->artifact_size, static_cast<std::int64_t>(bytes.size()));
  EXPECT_TRUE(object_exists(bytes));
  EXPECT_EQ(download("m", 1), bytes);

  auto again = artifacts_->upload("m", 1, "other bytes");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_EQ(object_count(), 1u);  // refused before anything was written
  EXPECT_EQ(download("m", 1), bytes);

  EXPECT_EQ(artifacts_->upload("m", 2, "x").error().code, ErrorCode::kNotFound);
  register_new("m");
  EXPECT_EQ(artifacts_->upload("m", 2, "").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(object_count(), 1u);
}

TEST_P(VersionArtifactsTest, DownloadNeedsAReadyVersion) {
  register_new("m");
  register_new("m");
  ASSERT_TRUE(repository_->mark_failed("m", 2, "diverged").ok());
  auto pending = artifacts_->download(*repository_->get_version("m", 1));
  ASSERT_FALSE(pending.ok());
  EXPECT_EQ(pending.error().code, ErrorCode::kConflict);
  auto failed = artifacts_->download(*repository_->get_version("m", 2));
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.error().message.find("diverged"), std::string::npos);
}

TEST_P(VersionArtifactsTest, ACorruptedOrMissingObjectIsNeverServed) {
  register_new("m");
  const std::string bytes(100000, 'q');
  ASSERT_TRUE(artifacts_->upload("m", 1, bytes).ok());
  auto path = local_->path_of(VersionArtifacts::key_of(artifacts::Sha256::of(bytes)));
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << std::string(100000, 'q').replace(500, 1, "r");
  }
  auto corrupted = artifacts_->download(*repository_->get_version("m", 1));
  ASSERT_FALSE(corrupted.ok());
  EXPECT_EQ(corrupted.error().code, ErrorCode::kInternal);
  EXPECT_EQ(corrupted.error().message.rfind("artifact corrupted", 0), 0u) << corrupted.error().message;

  std::filesystem::remove(path);
  auto missing = artifacts_->download(*repository_->get_version("m", 1));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kInternal);
  EXPECT_EQ(missing.error().message.rfind("artifact missing", 0), 0u) << missing.error().message;
}

TEST_P(VersionArtifactsTest, IdenticalArtifactsShareOneObjectUntilTheLastVersionGoes) {
  const std::string bytes = "same model file";
  register_new("a");
  register_new("b");
  ASSERT_TRUE(artifacts_->upload("a", 1, bytes).ok());
  ASSERT_TRUE(artifacts_->upload("b", 1, bytes).ok());
  EXPECT_EQ(object_count(), 1u);
  ASSERT_TRUE(repository_->set_alias("a", "production", 1).ok());
  ASSERT_TRUE(repository_->set_version_tag("a", 1, "k", "v").ok());

  auto first = artifacts_->delete_version("a", 1);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(*first, 0);
  EXPECT_TRUE(object_exists(bytes));
  EXPECT_EQ(download("b", 1), bytes);
  EXPECT_EQ(repository_->get_version("a", 1).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(repository_->resolve_alias("a", "production").error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(repository_->get_model("a")->aliases.empty());

  auto last = artifacts_->delete_version("b", 1);
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(*last, 1);
  EXPECT_FALSE(object_exists(bytes));
  EXPECT_EQ(artifacts_->delete_version("b", 1).error().code, ErrorCode::kNotFound);

  // A deleted version's number is never given out again.
  EXPECT_EQ(register_new("a"), 2);
  auto listed = repository_->list_versions("a", 100, "");
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->items.size(), 1u);
  EXPECT_EQ(listed->items[0].version, 2);
}

TEST_P(VersionArtifactsTest, DeletingAModelRemovesItsRowsAndTheObjectsOnlyItUsed) {
  register_new("a");
  register_new("a");
  register_new("b");
  ASSERT_TRUE(artifacts_->upload("a", 1, "only in a").ok());
  ASSERT_TRUE(artifacts_->upload("a", 2, "shared").ok());
  ASSERT_TRUE(artifacts_->upload("b", 1, "shared").ok());
  ASSERT_TRUE(repository_->set_model_tag("a", "team", "risk").ok());
  ASSERT_TRUE(repository_->set_alias("a", "production", 2).ok());

  auto removed = artifacts_->delete_model("a");
  ASSERT_TRUE(removed.ok()) << removed.error().message;
  EXPECT_EQ(*removed, 1);
  EXPECT_FALSE(object_exists("only in a"));
  EXPECT_TRUE(object_exists("shared"));
  EXPECT_EQ(download("b", 1), "shared");
  EXPECT_EQ(repository_->get_model("a").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(artifacts_->delete_model("a").error().code, ErrorCode::kNotFound);

  // The name is free again, with no leftover tags, and numbering starts over.
  EXPECT_EQ(register_new("a"), 1);
  EXPECT_TRUE(repository_->get_model("a")->tags.empty());
}

TEST_P(VersionArtifactsTest, AnInterruptedDeletionHidesTheVersionAndFinishesWhenRetried) {
  const std::string bytes = "artifact";
  register_new("m");
  ASSERT_TRUE(artifacts_->upload("m", 1, bytes).ok());
  controlled_->fail_removes = true;
  auto failed = artifacts_->delete_version("m", 1);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(repository_->get_version("m", 1).error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(repository_->list_versions("m", 100, "")->items.empty());
  EXPECT_TRUE(object_exists(bytes));

  // The same bytes uploaded meanwhile: the upload waits for the stuck deletion (here a short
  // wait), then keeps the object, which the retried deletion must not remove.
  VersionArtifacts impatient(repository_, controlled_, std::chrono::milliseconds(200));
  register_new("m");
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(impatient.upload("m", 2, bytes).ok());
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(200));

  controlled_->fail_removes = false;
  auto retried = artifacts_->delete_version("m", 1);
  ASSERT_TRUE(retried.ok()) << retried.error().message;
  EXPECT_EQ(*retried, 0);
  EXPECT_TRUE(object_exists(bytes));
  EXPECT_EQ(download("m", 2), bytes);
}

TEST_P(VersionArtifactsTest, UploadingBytesThatADeletionIsRemovingKeepsTheObject) {
  const std::string bytes = "contested artifact";
  register_new("m");
  register_new("m");
  ASSERT_TRUE(artifacts_->upload("m", 1, bytes).ok());

  // The deleter has counted no other reference and is about to remove the object, slowly.
  std::promise<void> removing;
  controlled_->before_remove = [&] {
    removing.set_value();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  };
  auto deleter = std::async(std::launch::async, [&] {
    // Another process, as far as the database can tell.
    VersionArtifacts other(std::make_shared<RegistryRepository>(GetParam().open(location_)), controlled_);
    return other.delete_version("m", 1);
  });
  removing.get_future().wait();
  auto uploaded = artifacts_->upload("m", 2, bytes);
  ASSERT_TRUE(uploaded.ok()) << uploaded.error().message;
  auto deleted = deleter.get();
  ASSERT_TRUE(deleted.ok()) << deleted.error().message;
  EXPECT_EQ(*deleted, 1);  // it did remove the object: the upload put it back

  EXPECT_TRUE(object_exists(bytes));
  EXPECT_EQ(download("m", 2), bytes);
}

INSTANTIATE_TEST_SUITE_P(Backends, VersionArtifactsTest, ::testing::Values(sqlite_backend(), postgres_backend()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace chatdb::model_registry::testing
