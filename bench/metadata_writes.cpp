// Durable writes per second through the metadata store: each transaction inserts a training
// job row and its outbox row, as job admission does. SQLite (WAL, synchronous=NORMAL) and a
// throwaway PostgreSQL 15 with fsync on, from 1 and from 4 writer threads.
// Usage: bench_metadata_writes [transactions-per-writer]

#include "metadata/postgres_store.h"
#include "metadata/schema_migrator.h"
#include "metadata/sqlite_store.h"
#include "outbox/outbox.h"
#include "tests/support/test_postgres.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

using namespace chatdb;

namespace {

double run(metadata::MetadataStore& store, int writers, int per_writer) {
  std::atomic<int> failures{0};
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < per_writer; ++i) {
        std::string id = "bench-" + std::to_string(w) + "-" + std::to_string(i) + "-" + std::to_string(std::rand());
        Status st = store.transact([&](metadata::Transaction& tx) -> Status {
          auto r = tx.execute(
              "INSERT INTO training_jobs (id, model_name, dataset_location, cpu_request, task, algorithm, params, "
              "priority, max_retries, timeout_s, status, submitted_at, updated_at) "
              "VALUES ($1, 'bench', 'file:///bench.csv', 1, 'auto', 'xgboost', '{}', 0, 2, 3600, 'running', 0, 0)",
              {id});
          if (!r.ok()) return r.error();
          return outbox::append(tx, "training_jobs", id, R"({"job_id":")" + id + R"(","attempt":1})");
        });
        if (!st.ok()) failures++;
      }
    });
  }
  for (auto& t : threads) t.join();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (failures) std::fprintf(stderr, "%d transactions failed\n", failures.load());
  return writers * per_writer / seconds;
}

}  // namespace

int main(int argc, char** argv) {
  int per_writer = argc > 1 ? std::atoi(argv[1]) : 2000;
  auto dir = std::filesystem::temp_directory_path() / ("bench-meta-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  metadata::SqliteStore sqlite((dir / "m.db").string());
  testing::TestPostgres server(/*durable=*/true);
  metadata::PostgresStore postgres(server.url());
  for (metadata::MetadataStore* s : {static_cast<metadata::MetadataStore*>(&sqlite), static_cast<metadata::MetadataStore*>(&postgres)}) {
    if (!metadata::SchemaMigrator::migrate(*s).ok()) return 1;
  }
  std::printf("| backend | writers | transactions/s (job row + outbox row) |\n|---|---|---|\n");
  for (int writers : {1, 4}) {
    std::printf("| SQLite (WAL, synchronous=NORMAL) | %d | %.0f |\n", writers, run(sqlite, writers, per_writer / writers));
    std::printf("| PostgreSQL 15 (fsync on) | %d | %.0f |\n", writers, run(postgres, writers, per_writer / writers));
  }
  std::filesystem::remove_all(dir);
  return 0;
}
