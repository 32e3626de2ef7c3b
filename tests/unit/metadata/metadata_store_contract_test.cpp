// One contract suite for MetadataStore, run against SQLite and a real PostgreSQL 15.

#include "metadata/metadata_store.h"
#include "metadata/postgres_store.h"
#include "metadata/schema_migrator.h"
#include "metadata/sqlite_store.h"
#include "tests/support/test_postgres.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <set>
#include <thread>

namespace chatdb::metadata {
namespace {

std::string fresh_name() {
  static std::atomic<int> n{0};
  return "contract_" + std::to_string(::getpid()) + "_" + std::to_string(n++);
}

// Creates stores that all open one fresh database.
struct Backend {
  std::string name;
  std::function<std::string()> fresh_location;
  std::function<std::unique_ptr<MetadataStore>(const std::string&)> open;
};

Backend sqlite_backend() {
  return {"sqlite",
          [] {
            auto dir = std::filesystem::temp_directory_path() / fresh_name();
            std::filesystem::remove_all(dir);  // a later run with the same pid reuses the name
            std::filesystem::create_directories(dir);
            return (dir / "meta.db").string();
          },
          [](const std::string& path) { return std::make_unique<SqliteStore>(path); }};
}

Backend postgres_backend() {
  // One PostgreSQL server for the whole suite; each test gets a database of its own.
  return {"postgresql", [] { return testing::TestPostgres::shared().create_fresh_database(); },
          [](const std::string& url) { return std::make_unique<PostgresStore>(url); }};
}

class MetadataStoreContract : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    location_ = GetParam().fresh_location();
    store_ = GetParam().open(location_);
    auto applied = SchemaMigrator::migrate(*store_);
    ASSERT_TRUE(applied.ok()) << applied.error().message;
  }

  Result<Rows> read(const std::string& sql, const std::vector<Value>& params = {}) {
    Rows out;
    Status st = store_->transact([&](Transaction& tx) -> Status {
      auto r = tx.query(sql, params);
      if (!r.ok()) return r.error();
      out = std::move(r.value());
      return Status::success();
    });
    if (!st.ok()) return st.error();
    return out;
  }

  Status write(const std::string& sql, const std::vector<Value>& params = {}) {
    return store_->transact([&](Transaction& tx) -> Status {
      auto r = tx.execute(sql, params);
      if (!r.ok()) return r.error();
      return Status::success();
    });
  }

  std::string location_;
  std::unique_ptr<MetadataStore> store_;
};

TEST_P(MetadataStoreContract, MigrationsCreateTheSameLogicalSchemaAndAreIdempotent) {
  auto again = SchemaMigrator::migrate(*store_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.value(), 0);
  auto versions = read("SELECT version FROM schema_migrations ORDER BY version");
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->rows.size(), static_cast<std::size_t>(SchemaMigrator::latest_version()));

  std::string tables_sql = store_->dialect() == Dialect::kSqlite
                               ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                               : "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'";
  auto tables = read(tables_sql);
  ASSERT_TRUE(tables.ok());
  std::set<std::string> names;
  for (const auto& r : tables->rows) names.insert(as_text(r[0]));
  EXPECT_EQ(names, (std::set<std::string>{"schema_migrations", "training_jobs", "outbox", "idempotency_keys",
                                          "registered_models", "model_versions", "model_aliases", "model_tags",
                                          "job_counts"}));
  // Column names and order agree across backends: SELECT * exposes them.
  auto jobs = read("SELECT * FROM model_versions WHERE 1 = 0");
  ASSERT_TRUE(jobs.ok());
  EXPECT_EQ(jobs->columns, (std::vector<std::string>{"model_name", "version", "status", "job_id", "artifact_digest",
                                                      "artifact_size", "metadata", "status_message", "created_at",
                                                      "updated_at"}));
}

TEST_P(MetadataStoreContract, ConcurrentMigrationsFromSeveralStoresApplyOnce) {
  std::string location = GetParam().fresh_location();
  std::vector<std::thread> threads;
  std::atomic<int> applied{0}, failed{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      auto store = GetParam().open(location);
      auto r = SchemaMigrator::migrate(*store);
      if (r.ok()) applied += r.value();
      else failed++;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(applied.load(), SchemaMigrator::latest_version());
}

TEST_P(MetadataStoreContract, ValuesRoundTripThroughPlaceholders) {
  ASSERT_TRUE(write("INSERT INTO registered_models (name, description, created_at, updated_at) VALUES ($1, $2, $3, $4)",
                    {std::string("m'1 \"x\" ünï ☃"), std::string("it's; DROP TABLE outbox; --"),
                     std::int64_t{9007199254740993}, std::int64_t{-1}}).ok());
  ASSERT_TRUE(write("INSERT INTO model_versions (model_name, version, status, job_id, artifact_size, metadata, created_at, updated_at) "
                    "VALUES ($1, 1, 'READY', NULL, $2, '{}', 0, 0)",
                    {std::string("m'1 \"x\" ünï ☃"), std::int64_t{42}}).ok());
  auto r = read("SELECT m.name, m.description, m.created_at, v.job_id, v.artifact_size FROM registered_models m "
                "JOIN model_versions v ON v.model_name = m.name WHERE m.name = $1",
                {std::string("m'1 \"x\" ünï ☃")});
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->rows.size(), 1u);
  EXPECT_EQ(as_text(r->rows[0][0]), "m'1 \"x\" ünï ☃");
  EXPECT_EQ(as_text(r->rows[0][1]), "it's; DROP TABLE outbox; --");
  EXPECT_EQ(as_int(r->rows[0][2]), 9007199254740993);
  EXPECT_TRUE(is_null(r->rows[0][3]));
  EXPECT_EQ(as_int(r->rows[0][4]), 42);
  ASSERT_TRUE(write("INSERT INTO training_jobs (id, model_name, dataset_location, cpu_request, task, algorithm, params, "
                    "priority, max_retries, timeout_s, status, submitted_at, updated_at) "
                    "VALUES ('j', 'm', 'file:///x', $1, 'auto', 'xgboost', '{}', 0, 0, 60, 'queued', 0, 0)",
                    {0.25}).ok());
  auto d = read("SELECT cpu_request FROM training_jobs");
  ASSERT_TRUE(d.ok());
  EXPECT_DOUBLE_EQ(as_double(d->rows[0][0]), 0.25);
}

TEST_P(MetadataStoreContract, FailedWorkRollsBackEverything) {
  Status st = store_->transact([](Transaction& tx) -> Status {
    auto r = tx.execute("INSERT INTO outbox (topic, message_key, payload, created_at) VALUES ('t', 'k', 'p', 0)");
    if (!r.ok()) return r.error();
    return Error::invalid("caller changed its mind");
  });
  EXPECT_EQ(st.error().message, "caller changed its mind");
  auto count = read("SELECT COUNT(*) FROM outbox");
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(as_int(count->rows[0][0]), 0);
}

TEST_P(MetadataStoreContract, UniqueViolationIsConflict) {
  const std::string sql = "INSERT INTO registered_models (name, created_at, updated_at) VALUES ('dup', 0, 0)";
  ASSERT_TRUE(write(sql).ok());
  Status again = write(sql);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
}

TEST_P(MetadataStoreContract, SyntaxErrorIsInternalAndLeavesStoreUsable) {
  Status bad = write("INSERT INTO nowhere VALUES (1)");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInternal);
  EXPECT_TRUE(store_->check().ok());
}

TEST_P(MetadataStoreContract, ConcurrentWritersNumberVersionsWithoutGaps) {
  ASSERT_TRUE(write("INSERT INTO registered_models (name, created_at, updated_at) VALUES ('m', 0, 0)").ok());
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 8; ++i) {
        // The registry's pattern: next = MAX + 1, retried when another writer took it first.
        Status st;
        for (int attempt = 0; attempt < 50; ++attempt) {
          st = write("INSERT INTO model_versions (model_name, version, status, metadata, created_at, updated_at) "
                     "SELECT 'm', COALESCE(MAX(version), 0) + 1, 'READY', '{}', 0, 0 FROM model_versions WHERE model_name = 'm'");
          if (st.ok() || st.error().code != ErrorCode::kConflict) break;
        }
        if (!st.ok()) failures++;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  auto r = read("SELECT version FROM model_versions WHERE model_name = 'm' ORDER BY version");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->rows.size(), 48u);
  for (std::size_t i = 0; i < r->rows.size(); ++i) EXPECT_EQ(as_int(r->rows[i][0]), static_cast<std::int64_t>(i + 1));
}

TEST_P(MetadataStoreContract, AutoIncrementIdsGrowInInsertOrder) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(write("INSERT INTO outbox (topic, message_key, payload, created_at) VALUES ('t', 'k', $1, 0)",
                      {std::to_string(i)}).ok());
  }
  auto r = read("SELECT id, payload FROM outbox ORDER BY id");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->rows.size(), 5u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(as_text(r->rows[static_cast<std::size_t>(i)][1]), std::to_string(i));
}

INSTANTIATE_TEST_SUITE_P(Backends, MetadataStoreContract, ::testing::Values(sqlite_backend(), postgres_backend()),
                         [](const auto& info) { return info.param.name; });

TEST(PostgresStoreOutage, UnavailableWhileDownAndRecoversWithoutRestart) {
  testing::TestPostgres server;
  PostgresStore store(server.url(), 4, std::chrono::seconds(2));
  ASSERT_TRUE(SchemaMigrator::migrate(store).ok());
  ASSERT_TRUE(store.check().ok());
  server.stop();
  auto start = std::chrono::steady_clock::now();
  Status down = store.check();
  ASSERT_FALSE(down.ok());
  EXPECT_EQ(down.error().code, ErrorCode::kUnavailable);
  EXPECT_TRUE(down.error().retryable);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  server.start();
  Status up = store.check();
  EXPECT_TRUE(up.ok()) << up.error().message;
  Status write = store.transact([](Transaction& tx) -> Status {
    auto r = tx.execute("INSERT INTO registered_models (name, created_at, updated_at) VALUES ('after', 0, 0)");
    if (!r.ok()) return r.error();
    return Status::success();
  });
  EXPECT_TRUE(write.ok()) << write.error().message;
}

TEST(PostgresStoreOutage, UnreachableServerIsUnavailableNotACrash) {
  PostgresStore store("postgresql://postgres@127.0.0.1:1/none", 2, std::chrono::seconds(1));
  Status st = store.check();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(st.error().message.find("DATABASE_URL"), std::string::npos);
}

}  // namespace
}  // namespace chatdb::metadata
