// RegistryRepository against SQLite and a real PostgreSQL 15: numbering, idempotency,
// immutability, aliases, tags and search.

#include "tests/unit/model_registry/registry_backends.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace chatdb::model_registry::testing {
namespace {

using RegistryRepositoryTest = RegistryTest;

TEST_P(RegistryRepositoryTest, CreatesAModelOnceWithItsTags) {
  auto created = repository_->create_model("churn", "predicts churn", {{"team", "risk"}});
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(created->name, "churn");
  EXPECT_EQ(created->description, "predicts churn");
  EXPECT_EQ(created->tags, (Tags{{"team", "risk"}}));
  EXPECT_TRUE(created->latest_versions.empty());
  EXPECT_GT(created->created_at, 0);

  auto again = repository_->create_model("churn", "", {});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_NE(again.error().message.find("already exists"), std::string::npos);

  auto missing = repository_->get_model("nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST_P(RegistryRepositoryTest, RegisteringCreatesTheModelAndNumbersFromOne) {
  EXPECT_EQ(register_new("fraud"), 1);
  EXPECT_EQ(register_new("fraud"), 2);
  EXPECT_EQ(register_new("other"), 1);
  auto v = repository_->get_version("fraud", 2);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->status, kPending);
  EXPECT_EQ(v->metadata, (nlohmann::json{{"algorithm", "xgboost"}}));
  EXPECT_FALSE(v->artifact_sha256.has_value());
  EXPECT_FALSE(v->job_id.has_value());
  auto model = repository_->get_model("fraud");
  ASSERT_TRUE(model.ok());
  ASSERT_EQ(model->latest_versions.size(), 1u);  // the newest PENDING one
  EXPECT_EQ(model->latest_versions[0].version, 2);

  auto missing = repository_->get_version("fraud", 3);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_NE(missing.error().message.find("version 3"), std::string::npos);
}

TEST_P(RegistryRepositoryTest, ConcurrentRegistrationsFromEightWritersHaveNoGapsOrDuplicates) {
  constexpr int kThreads = 8, kEach = 6;
  std::vector<std::thread> threads;
  std::vector<std::vector<std::int64_t>> got(kThreads);
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // A store of its own per thread: like separate registry processes.
      RegistryRepository repository(GetParam().open(location_));
      for (int i = 0; i < kEach; ++i) {
        auto r = repository.register_version("busy", std::nullopt, nlohmann::json::object());
        if (!r.ok()) {
          failures++;
          ADD_FAILURE() << r.error().message;
          continue;
        }
        got[static_cast<std::size_t>(t)].push_back(r->version.version);
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_EQ(failures.load(), 0);
  std::vector<std::int64_t> all;
  for (const auto& g : got) all.insert(all.end(), g.begin(), g.end());
  std::sort(all.begin(), all.end());
  ASSERT_EQ(all.size(), static_cast<std::size_t>(kThreads * kEach));
  for (std::size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i], static_cast<std::int64_t>(i + 1));
  auto listed = repository_->list_versions("busy", 1000, "");
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->items.size(), all.size());
}

TEST_P(RegistryRepositoryTest, AJobRegistersOneVersionEvenWhenRetriedConcurrently) {
  EXPECT_EQ(register_new("m", "job-1"), 1);
  auto again = repository_->register_version("m", "job-1", {{"other", true}});
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->version.version, 1);
  EXPECT_EQ(again->version.job_id, "job-1");

  std::vector<std::thread> threads;
  std::atomic<int> created{0}, failed{0};
  std::set<std::int64_t> versions;
  std::mutex mutex;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      RegistryRepository repository(GetParam().open(location_));
      auto r = repository.register_version("m", "job-2", nlohmann::json::object());
      if (!r.ok()) {
        failed++;
        return;
      }
      created += r->created ? 1 : 0;
      std::lock_guard lock(mutex);
      versions.insert(r->version.version);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(versions, (std::set<std::int64_t>{2}));

  auto elsewhere = repository_->register_version("another", "job-1", nlohmann::json::object());
  ASSERT_FALSE(elsewhere.ok());
  EXPECT_EQ(elsewhere.error().code, ErrorCode::kConflict);
  EXPECT_NE(elsewhere.error().message.find("job 'job-1' already registered version 1"), std::string::npos);
  // Refused without creating the other model.
  EXPECT_EQ(repository_->get_model("another").error().code, ErrorCode::kNotFound);
}

TEST_P(RegistryRepositoryTest, VersionsAreImmutableOnceReadyOrFailed) {
  register_new("m");
  register_new("m");
  std::string digest(64, 'a');
  auto ready = repository_->mark_ready("m", 1, digest, 10);
  ASSERT_TRUE(ready.ok()) << ready.error().message;
  EXPECT_EQ(ready->status, kReady);
  EXPECT_EQ(ready->artifact_sha256, digest);
  EXPECT_EQ(ready->artifact_size, 10);

  auto twice = repository_->mark_ready("m", 1, std::string(64, 'b'), 11);
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code, ErrorCode::kConflict);
  EXPECT_NE(twice.error().message.find("immutable"), std::string::npos);
  EXPECT_EQ(repository_->mark_failed("m", 1, "late").error().code, ErrorCode::kConflict);
  EXPECT_EQ(repository_->require_pending("m", 1).error().code, ErrorCode::kConflict);
  EXPECT_EQ(repository_->get_version("m", 1)->artifact_sha256, digest);

  auto failed = repository_->mark_failed("m", 2, "out of memory");
  ASSERT_TRUE(failed.ok());
  EXPECT_EQ(failed->status, kFailed);
  EXPECT_EQ(failed->status_message, "out of memory");
  EXPECT_EQ(repository_->mark_ready("m", 2, digest, 10).error().code, ErrorCode::kConflict);
  EXPECT_EQ(repository_->mark_ready("m", 9, digest, 10).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(repository_->mark_ready("nope", 1, digest, 10).error().code, ErrorCode::kNotFound);
}

TEST_P(RegistryRepositoryTest, LatestReadyVersionSkipsPendingAndFailedOnes) {
  EXPECT_EQ(repository_->latest_ready_version("m").error().code, ErrorCode::kNotFound);
  register_new("m");
  auto none = repository_->latest_ready_version("m");
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().message.find("no READY version"), std::string::npos);
  register_new("m");
  register_new("m");
  ASSERT_TRUE(repository_->mark_ready("m", 2, std::string(64, 'c'), 1).ok());
  ASSERT_TRUE(repository_->mark_failed("m", 3, "diverged").ok());
  auto latest = repository_->latest_ready_version("m");
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->version, 2);
  auto model = repository_->get_model("m");
  ASSERT_TRUE(model.ok());
  std::vector<std::pair<std::int64_t, std::string>> newest;
  for (const auto& v : model->latest_versions) newest.emplace_back(v.version, v.status);
  EXPECT_EQ(newest, (std::vector<std::pair<std::int64_t, std::string>>{{3, kFailed}, {2, kReady}, {1, kPending}}));
}

TEST_P(RegistryRepositoryTest, AliasesPointAtReadyVersionsAndMove) {
  register_new("m");
  register_new("m");
  register_new("m");
  ASSERT_TRUE(repository_->mark_ready("m", 1, std::string(64, 'a'), 1).ok());
  ASSERT_TRUE(repository_->mark_ready("m", 2, std::string(64, 'b'), 1).ok());

  auto set = repository_->set_alias("m", "production", 1);
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_EQ(set->aliases, (std::vector<std::string>{"production"}));
  ASSERT_TRUE(repository_->set_alias("m", "staging", 2).ok());
  EXPECT_EQ(repository_->resolve_alias("m", "production")->version, 1);

  auto moved = repository_->set_alias("m", "production", 2);
  ASSERT_TRUE(moved.ok());
  EXPECT_EQ(moved->aliases, (std::vector<std::string>{"production", "staging"}));
  EXPECT_EQ(repository_->resolve_alias("m", "production")->version, 2);
  EXPECT_TRUE(repository_->get_version("m", 1)->aliases.empty());
  EXPECT_EQ(repository_->get_model("m")->aliases, (std::map<std::string, std::int64_t>{{"production", 2}, {"staging", 2}}));

  auto pending = repository_->set_alias("m", "production", 3);
  ASSERT_FALSE(pending.ok());
  EXPECT_EQ(pending.error().code, ErrorCode::kConflict);
  EXPECT_EQ(repository_->set_alias("m", "production", 7).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(repository_->resolve_alias("m", "production")->version, 2);

  ASSERT_TRUE(repository_->delete_alias("m", "production").ok());
  EXPECT_EQ(repository_->resolve_alias("m", "production").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(repository_->delete_alias("m", "production").error().code, ErrorCode::kNotFound);
  auto unknown_model = repository_->resolve_alias("nope", "production");
  ASSERT_FALSE(unknown_model.ok());
  EXPECT_NE(unknown_model.error().message.find("registered model 'nope' not found"), std::string::npos);
}

TEST_P(RegistryRepositoryTest, TagsOnModelsAndVersionsAreSetReplacedAndDeleted) {
  register_new("m");
  ASSERT_TRUE(repository_->set_model_tag("m", "team", "risk").ok());
  ASSERT_TRUE(repository_->set_model_tag("m", "team", "growth").ok());
  ASSERT_TRUE(repository_->set_version_tag("m", 1, "dataset", "2024-05").ok());
  EXPECT_EQ(repository_->get_model("m")->tags, (Tags{{"team", "growth"}}));
  EXPECT_EQ(repository_->get_version("m", 1)->tags, (Tags{{"dataset", "2024-05"}}));

  EXPECT_EQ(repository_->set_version_tag("m", 2, "k", "v").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(repository_->set_model_tag("nope", "k", "v").error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(repository_->delete_version_tag("m", 1, "dataset").ok());
  EXPECT_TRUE(repository_->get_version("m", 1)->tags.empty());
  EXPECT_EQ(repository_->delete_version_tag("m", 1, "dataset").error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(repository_->delete_model_tag("m", "team").ok());
  EXPECT_EQ(repository_->delete_model_tag("m", "team").error().code, ErrorCode::kNotFound);
}

TEST_P(RegistryRepositoryTest, SearchesModelsByNameAndTagAcrossPages) {
  ASSERT_TRUE(repository_->create_model("churn-xgb", "", {{"team", "risk"}, {"stage", "prod"}}).ok());
  ASSERT_TRUE(repository_->create_model("churn-linear", "", {{"team", "risk"}}).ok());
  ASSERT_TRUE(repository_->create_model("fraud", "", {{"team", "payments"}}).ok());
  ASSERT_TRUE(repository_->create_model("price_v2", "", {}).ok());
  ASSERT_TRUE(repository_->create_model("pricev2", "", {}).ok());

  auto names = [&](const ModelQuery& q) {
    std::vector<std::string> out;
    auto page = repository_->search_models(q);
    EXPECT_TRUE(page.ok()) << page.error().message;
    if (page.ok()) {
      for (const auto& m : page->items) out.push_back(m.name);
    }
    return out;
  };
  ModelQuery q;
  q.name_contains = "CHURN";
  EXPECT_EQ(names(q), (std::vector<std::string>{"churn-linear", "churn-xgb"}));
  q = {};
  q.name_contains = "e_";  // '_' is literal, not LIKE's any-character
  EXPECT_EQ(names(q), (std::vector<std::string>{"price_v2"}));
  q = {};
  q.tag_key = "team";
  q.tag_value = "risk";
  EXPECT_EQ(names(q), (std::vector<std::string>{"churn-linear", "churn-xgb"}));
  q.tag_key = "stage";
  q.tag_value.reset();
  EXPECT_EQ(names(q), (std::vector<std::string>{"churn-xgb"}));
  q = {};
  q.name_contains = "churn";
  q.tag_key = "team";
  q.tag_value = "payments";
  EXPECT_TRUE(names(q).empty());

  // Pages of two: every model once, in order, and a token only while more remain.
  std::vector<std::string> all;
  ModelQuery paged;
  paged.max_results = 2;
  int pages = 0;
  for (;;) {
    auto page = repository_->search_models(paged);
    ASSERT_TRUE(page.ok()) << page.error().message;
    ++pages;
    for (const auto& m : page->items) all.push_back(m.name);
    if (page->next_page_token.empty()) break;
    paged.page_token = page->next_page_token;
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(all.size(), 5u);
  EXPECT_EQ(std::set<std::string>(all.begin(), all.end()).size(), 5u);

  ModelQuery bad;
  bad.page_token = "zz";
  EXPECT_EQ(repository_->search_models(bad).error().code, ErrorCode::kInvalidArgument);
}

TEST_P(RegistryRepositoryTest, SearchesVersionsAcrossModelsByStatusAndJob) {
  register_new("a", "job-a1");
  register_new("a", "job-a2");
  register_new("b", "job-b1");
  ASSERT_TRUE(repository_->mark_ready("a", 2, std::string(64, 'd'), 3).ok());
  ASSERT_TRUE(repository_->mark_ready("b", 1, std::string(64, 'e'), 3).ok());

  VersionQuery q;
  q.status = kReady;
  auto ready = repository_->search_versions(q);
  ASSERT_TRUE(ready.ok()) << ready.error().message;
  ASSERT_EQ(ready->items.size(), 2u);
  EXPECT_EQ(ready->items[0].model_name, "a");
  EXPECT_EQ(ready->items[0].version, 2);
  EXPECT_EQ(ready->items[1].model_name, "b");

  q = {};
  q.job_id = "job-a1";
  auto by_job = repository_->search_versions(q);
  ASSERT_TRUE(by_job.ok());
  ASSERT_EQ(by_job->items.size(), 1u);
  EXPECT_EQ(by_job->items[0].version, 1);

  q = {};
  q.name = "a";
  q.max_results = 1;
  auto first = repository_->search_versions(q);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->items.size(), 1u);
  ASSERT_FALSE(first->next_page_token.empty());
  q.page_token = first->next_page_token;
  auto second = repository_->search_versions(q);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->items.size(), 1u);
  EXPECT_EQ(second->items[0].version, 2);
  EXPECT_TRUE(second->next_page_token.empty());

  EXPECT_EQ(repository_->list_versions("nope", 10, "").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(repository_->list_versions("a", 10, "41").error().code, ErrorCode::kInvalidArgument);
}

TEST_P(RegistryRepositoryTest, AStoredVersionNestedTooDeepIsListedWithEmptyMetadata) {
  // A version saved before the nesting limit crashed every later listing of its model.
  register_new("deep");
  std::string deep = "{\"x\": " + std::string(70000, '[') + std::string(70000, ']') + "}";
  Status written = store_->transact([&](metadata::Transaction& tx) -> Status {
    auto n = tx.execute("UPDATE model_versions SET metadata = $1 WHERE model_name = $2", {deep, std::string("deep")});
    if (!n.ok()) return n.error();
    return Status::success();
  });
  ASSERT_TRUE(written.ok()) << written.error().message;
  auto models = repository_->search_models(ModelQuery{});
  ASSERT_TRUE(models.ok()) << models.error().message;
  ASSERT_EQ(models->items.size(), 1u);
  ASSERT_EQ(models->items[0].latest_versions.size(), 1u);
  EXPECT_EQ(models->items[0].latest_versions[0].metadata, nlohmann::json::object());
  auto versions = repository_->list_versions("deep", 10, "");
  ASSERT_TRUE(versions.ok()) << versions.error().message;
  EXPECT_EQ(versions->items.at(0).metadata, nlohmann::json::object());
}

INSTANTIATE_TEST_SUITE_P(Backends, RegistryRepositoryTest, ::testing::Values(sqlite_backend(), postgres_backend()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace chatdb::model_registry::testing
