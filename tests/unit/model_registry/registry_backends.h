// The metadata backends the registry tests run against: SQLite and a real PostgreSQL 15,
// each test on a fresh, migrated database, with a local artifact store in a temporary directory.
#pragma once

#include "artifacts/local_artifact_store.h"
#include "metadata/postgres_store.h"
#include "metadata/schema_migrator.h"
#include "metadata/sqlite_store.h"
#include "model_registry/registry_repository.h"
#include "model_registry/version_artifacts.h"
#include "tests/support/test_postgres.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <ostream>
#include <memory>
#include <string>

namespace chatdb::model_registry::testing {

// One PostgreSQL server for the whole binary; each test gets a database of its own.
inline chatdb::testing::TestPostgres& postgres() {
  static chatdb::testing::TestPostgres server;
  return server;
}

inline std::string fresh_name() {
  static std::atomic<int> n{0};
  return "registry_" + std::to_string(::getpid()) + "_" + std::to_string(n++);
}

// Opens stores on one fresh database: several stores on one location act like several processes.
struct Backend {
  std::string name;
  std::function<std::string()> fresh_location;
  std::function<std::shared_ptr<metadata::MetadataStore>(const std::string&)> open;
};

// Test names and failure messages show the backend's name.
inline void PrintTo(const Backend& backend, std::ostream* out) { *out << backend.name; }

inline Backend sqlite_backend() {
  return {"sqlite",
          [] {
            // A directory of an earlier run with the same pid may hold an old database: start empty.
            auto dir = std::filesystem::temp_directory_path() / fresh_name();
            std::filesystem::remove_all(dir);
            std::filesystem::create_directories(dir);
            return (dir / "meta.db").string();
          },
          [](const std::string& path) { return std::make_shared<metadata::SqliteStore>(path); }};
}

inline Backend postgres_backend() {
  return {"postgresql", [] { return postgres().create_database(fresh_name()); },
          [](const std::string& url) { return std::make_shared<metadata::PostgresStore>(url, 16); }};
}

/// A migrated database, a repository over it and a local artifact store.
class RegistryTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    location_ = GetParam().fresh_location();
    store_ = GetParam().open(location_);
    auto applied = metadata::SchemaMigrator::migrate(*store_);
    ASSERT_TRUE(applied.ok()) << applied.error().message;
    repository_ = std::make_shared<RegistryRepository>(store_);
    artifact_dir_ = std::filesystem::temp_directory_path() / (fresh_name() + "_artifacts");
    auto local = artifacts::LocalArtifactStore::open(artifact_dir_);
    ASSERT_TRUE(local.ok()) << local.error().message;
    local_ = std::shared_ptr<artifacts::LocalArtifactStore>(std::move(local.value()));
  }

  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(artifact_dir_, ignored);
  }

  // Registers a version and fails the test unless it is new.
  std::int64_t register_new(const std::string& model, const std::optional<std::string>& job_id = std::nullopt) {
    auto r = repository_->register_version(model, job_id, {{"algorithm", "xgboost"}});
    EXPECT_TRUE(r.ok()) << r.error().message;
    if (!r.ok()) return 0;
    EXPECT_TRUE(r->created);
    return r->version.version;
  }

  std::string location_;
  std::shared_ptr<metadata::MetadataStore> store_;
  std::shared_ptr<RegistryRepository> repository_;
  std::filesystem::path artifact_dir_;
  std::shared_ptr<artifacts::LocalArtifactStore> local_;
};

}  // namespace chatdb::model_registry::testing
