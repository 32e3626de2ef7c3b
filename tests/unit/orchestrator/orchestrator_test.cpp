// JobRepository and JobRequest: admission by CPU in priority-then-submission order, the state
// machine driven by engine events, retries, leases, timeouts and idempotency, on SQLite and
// on a real PostgreSQL.

#include "metadata/postgres_store.h"
#include "metadata/schema_migrator.h"
#include "metadata/sqlite_store.h"
#include "orchestrator/job_repository.h"
#include "tests/support/manual_clock.h"
#include "tests/support/test_postgres.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <thread>

namespace chatdb::orchestrator {
namespace {

std::string fresh_name() {
  static std::atomic<int> n{0};
  return "jobs_" + std::to_string(::getpid()) + "_" + std::to_string(n++);
}

std::unique_ptr<metadata::MetadataStore> open_backend(const std::string& kind) {
  if (kind == "sqlite") {
    // The name repeats when a later run gets the same pid: start from an empty directory, or
    // the jobs of that run would still be there.
    auto dir = std::filesystem::temp_directory_path() / fresh_name();
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return std::make_unique<metadata::SqliteStore>((dir / "m.db").string());
  }
  return std::make_unique<metadata::PostgresStore>(testing::TestPostgres::shared().create_fresh_database());
}

JobRequest request(const std::string& model, double cpu = 1, std::int64_t priority = 0) {
  auto r = JobRequest::parse({{"model_name", model}, {"dataset_location", "file:///data/x.csv"}, {"cpu_request", cpu},
                              {"priority", priority}, {"max_retries", 1}},
                             8);
  EXPECT_TRUE(r.ok()) << r.error().message;
  return r.value();
}

class JobRepositoryTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    store_ = open_backend(GetParam());
    ASSERT_TRUE(metadata::SchemaMigrator::migrate(*store_).ok());
    policy_.lease_ms = 200;
    policy_.retry_base_ms = 50;
    jobs_ = std::make_unique<JobRepository>(*store_, "training_jobs", policy_, time_.clock());
  }

  std::string submit(const JobRequest& r, const std::string& key = "") {
    auto s = jobs_->submit(r, key);
    EXPECT_TRUE(s.ok()) << s.error().message;
    return s->first.job.id;
  }

  Job job(const std::string& id) { return jobs_->get(id).value().job; }

  std::vector<std::string> outbox_keys() {
    std::vector<std::string> keys;
    (void)store_->transact([&](metadata::Transaction& tx) -> Status {
      auto r = tx.query("SELECT message_key, topic FROM outbox ORDER BY id");
      for (const auto& row : r->rows) {
        EXPECT_EQ(metadata::as_text(row[1]), "training_jobs");
        keys.push_back(metadata::as_text(row[0]));
      }
      return Status::success();
    });
    return keys;
  }

  JobEvent event(const std::string& id, std::int64_t attempt, const std::string& type) {
    JobEvent e;
    e.job_id = id;
    e.attempt = attempt;
    e.type = type;
    return e;
  }

  JobPolicy policy_;
  testing::ManualClock time_;
  std::unique_ptr<metadata::MetadataStore> store_;
  std::unique_ptr<JobRepository> jobs_;
};

TEST_P(JobRepositoryTest, AdmitsWithinCapacityInPriorityThenSubmissionOrder) {
  std::vector<std::string> ids;
  ids.push_back(submit(request("a")));        // 0: normal
  ids.push_back(submit(request("b")));        // 1: normal
  ids.push_back(submit(request("c", 1, 5)));  // 2: high priority
  ids.push_back(submit(request("d")));        // 3: normal
  ids.push_back(submit(request("e", 1, 5)));  // 4: high priority
  EXPECT_EQ(jobs_->get(ids[3]).value().queue_position, 5);
  EXPECT_EQ(jobs_->get(ids[2]).value().queue_position, 1);

  std::vector<std::string> started_order;
  for (int round = 0; round < 10 && started_order.size() < 5; ++round) {
    auto admitted = jobs_->admit(2);
    ASSERT_TRUE(admitted.ok()) << admitted.error().message;
    for (const auto& j : admitted.value()) started_order.push_back(j.id);
    auto counts = jobs_->counts().value();
    EXPECT_LE(counts.running_cpu, 2.0);
    EXPECT_LE(counts.by_status[status::kRunning], 2);
    // Finish the oldest running job so the next can start.
    auto running = jobs_->list({status::kRunning, std::nullopt, 10, 0}).value();
    if (!running.empty()) {
      const Job& done = running.back().job;
      auto e = event(done.id, done.attempts, "succeeded");
      e.model_version = 1;
      ASSERT_TRUE(jobs_->apply(e).ok());
    }
  }
  EXPECT_EQ(started_order, (std::vector<std::string>{ids[2], ids[4], ids[0], ids[1], ids[3]}));
  EXPECT_EQ(outbox_keys(), started_order);  // each admission queued exactly one training message
}

TEST_P(JobRepositoryTest, ABigJobAtTheHeadIsNotStarvedBySmallerOnes) {
  std::string big = submit(request("big", 2, 1));
  std::string small = submit(request("small", 1));
  std::string running = submit(request("first", 1, 9));
  ASSERT_EQ(jobs_->admit(2).value().size(), 1u);  // "first" runs, big (2 CPUs) does not fit
  EXPECT_EQ(job(running).status, status::kRunning);
  EXPECT_EQ(job(big).status, status::kQueued);
  EXPECT_EQ(job(small).status, status::kQueued);   // waits behind big although it would fit
}

TEST_P(JobRepositoryTest, EventsDriveTheJobAndRedeliveryIsHarmless) {
  std::string id = submit(request("m"));
  ASSERT_EQ(jobs_->admit(4).value().size(), 1u);
  auto progress = event(id, 1, "progress");
  progress.progress = 0.5;
  ASSERT_TRUE(jobs_->apply(progress).ok());
  EXPECT_DOUBLE_EQ(job(id).progress, 0.5);
  auto stale = event(id, 7, "failed");  // another attempt's event: ignored
  ASSERT_TRUE(jobs_->apply(stale).ok());
  EXPECT_EQ(job(id).status, status::kRunning);
  auto done = event(id, 1, "succeeded");
  done.model_version = 3;
  done.metrics = {{"accuracy", 0.97}};
  auto finished = jobs_->apply(done);
  ASSERT_TRUE(finished.ok());
  ASSERT_TRUE(finished.value());
  EXPECT_EQ(finished.value()->status, status::kSucceeded);
  auto again = jobs_->apply(done);  // the bus delivered it twice
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again.value());
  Job j = job(id);
  EXPECT_EQ(j.status, status::kSucceeded);
  EXPECT_EQ(j.model_version, 3);
  EXPECT_DOUBLE_EQ(j.metrics["accuracy"].get<double>(), 0.97);
  EXPECT_TRUE(j.finished_at.has_value());
}

TEST_P(JobRepositoryTest, RetryableFailureRequeuesWithBackoffThenFailsForGood) {
  std::string id = submit(request("m"));  // max_retries 1
  ASSERT_EQ(jobs_->admit(4).value().size(), 1u);
  auto fail = event(id, 1, "failed");
  fail.retryable = true;
  fail.error = "registry unavailable";
  ASSERT_TRUE(jobs_->apply(fail).ok());
  Job j = job(id);
  EXPECT_EQ(j.status, status::kQueued);
  EXPECT_EQ(j.error, "registry unavailable");
  EXPECT_GT(j.not_before, j.submitted_at);
  EXPECT_TRUE(jobs_->admit(4).value().empty());  // still backing off (50 ms)
  time_.advance(std::chrono::milliseconds(49));
  EXPECT_TRUE(jobs_->admit(4).value().empty());
  time_.advance(std::chrono::milliseconds(1));
  ASSERT_EQ(jobs_->admit(4).value().size(), 1u);
  EXPECT_EQ(job(id).attempts, 2);
  fail.attempt = 2;
  auto finished = jobs_->apply(fail);
  ASSERT_TRUE(finished.ok());
  ASSERT_TRUE(finished.value());
  EXPECT_EQ(job(id).status, status::kFailed);
}

TEST_P(JobRepositoryTest, NonRetryableFailureFailsAtOnce) {
  std::string id = submit(request("m"));
  ASSERT_EQ(jobs_->admit(4).value().size(), 1u);
  auto fail = event(id, 1, "failed");
  fail.error = "target column 'y' is absent";
  ASSERT_TRUE(jobs_->apply(fail).ok());
  EXPECT_EQ(job(id).status, status::kFailed);
  EXPECT_EQ(job(id).error, "target column 'y' is absent");
}

TEST_P(JobRepositoryTest, WaitingForADependencyIsTheRunningJobsMessageAndClearsWhenItEnds) {
  std::string id = submit(request("m"));
  ASSERT_EQ(jobs_->admit(4).value().size(), 1u);
  auto waiting = event(id, 1, "progress");
  waiting.message = "waiting for S3: S3 endpoint http://127.0.0.1:9 is unreachable";
  ASSERT_TRUE(jobs_->apply(waiting).ok());
  Job j = job(id);
  EXPECT_EQ(j.status, status::kRunning);
  EXPECT_EQ(j.to_json()["message"], waiting.message);
  EXPECT_EQ(j.attempts, 1);
  auto back = event(id, 1, "progress");
  back.message = "";
  ASSERT_TRUE(jobs_->apply(back).ok());
  EXPECT_TRUE(job(id).to_json()["message"].is_null());
  EXPECT_FALSE(job(id).error.has_value());
}

TEST_P(JobRepositoryTest, AnEndedWaitDoesNotEraseAnEarlierAttemptsError) {
  std::string id = submit(request("m"));  // max_retries 1
  ASSERT_EQ(jobs_->admit(4).value().size(), 1u);
  auto fail = event(id, 1, "failed");
  fail.retryable = true;
  fail.error = "the engine crashed";
  ASSERT_TRUE(jobs_->apply(fail).ok());
  time_.advance(std::chrono::milliseconds(80));  // past the retry's backoff
  ASSERT_EQ(jobs_->admit(4).value().size(), 1u);
  auto cleared = event(id, 2, "progress");
  cleared.message = "";
  ASSERT_TRUE(jobs_->apply(cleared).ok());
  EXPECT_EQ(job(id).error, "the engine crashed");
  EXPECT_TRUE(job(id).to_json()["message"].is_null());
}

TEST_P(JobRepositoryTest, ExpiredLeaseRetriesAJobWhoseEngineDied) {
  std::string id = submit(request("m"));
  ASSERT_EQ(jobs_->admit(4).value().size(), 1u);
  time_.advance(std::chrono::milliseconds(200));
  EXPECT_TRUE(jobs_->reap().value().empty());  // the lease (200 ms) ends after this instant
  time_.advance(std::chrono::milliseconds(1));
  ASSERT_EQ(jobs_->reap().value().size(), 0u);  // retried, not finished
  Job j = job(id);
  EXPECT_EQ(j.status, status::kQueued);
  EXPECT_NE(j.error->find("lease expired"), std::string::npos);
}

TEST_P(JobRepositoryTest, JobPastItsTimeoutFails) {
  auto r = request("m");
  r.timeout_s = 1;
  // A lease longer than the timeout: only the timeout can end the job.
  policy_.lease_ms = 60000;
  jobs_ = std::make_unique<JobRepository>(*store_, "training_jobs", policy_, time_.clock());
  std::string id = submit(r);
  ASSERT_EQ(jobs_->admit(4).value().size(), 1u);
  time_.advance(std::chrono::milliseconds(1000));
  EXPECT_TRUE(jobs_->reap().value().empty());
  EXPECT_EQ(job(id).status, status::kRunning);
  time_.advance(std::chrono::milliseconds(1));
  auto heartbeat = event(id, 1, "progress");
  ASSERT_TRUE(jobs_->apply(heartbeat).ok());  // a live engine does not save a job past its timeout
  auto reaped = jobs_->reap();
  ASSERT_TRUE(reaped.ok());
  EXPECT_EQ(job(id).status, status::kFailed);
  EXPECT_NE(job(id).error->find("timed out"), std::string::npos);
}

TEST_P(JobRepositoryTest, CancelQueuedOrRunningButNotFinished) {
  std::string queued = submit(request("q"));
  auto c = jobs_->cancel(queued);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->job.status, status::kCancelled);
  auto again = jobs_->cancel(queued);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_EQ(jobs_->cancel("nope").error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(jobs_->admit(4).value().empty());  // cancelled jobs never start
}

TEST_P(JobRepositoryTest, IdempotencyKeyReturnsTheSameJobAndRejectsADifferentBody) {
  auto first = jobs_->submit(request("m"), "key-1");
  auto second = jobs_->submit(request("m"), "key-1");
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_TRUE(first->second);
  EXPECT_FALSE(second->second);
  EXPECT_EQ(first->first.job.id, second->first.job.id);
  auto different = jobs_->submit(request("other"), "key-1");
  ASSERT_FALSE(different.ok());
  EXPECT_EQ(different.error().code, ErrorCode::kConflict);
  EXPECT_EQ(jobs_->list({}).value().size(), 1u);
}

TEST_P(JobRepositoryTest, ListFiltersAndPages) {
  for (int i = 0; i < 5; ++i) submit(request(i % 2 ? "odd" : "even"));
  EXPECT_EQ(jobs_->list({std::nullopt, std::string("odd"), 50, 0}).value().size(), 2u);
  EXPECT_EQ(jobs_->list({std::string(status::kQueued), std::nullopt, 50, 0}).value().size(), 5u);
  auto page1 = jobs_->list({std::nullopt, std::nullopt, 3, 0}).value();
  auto page2 = jobs_->list({std::nullopt, std::nullopt, 3, 3}).value();
  EXPECT_EQ(page1.size(), 3u);
  EXPECT_EQ(page2.size(), 2u);
  EXPECT_NE(page1[0].job.id, page2[0].job.id);
}

// Submission reads its queue position, and the scheduler its gauges, from counts kept in step
// with every transition: they must agree with the jobs themselves.
TEST_P(JobRepositoryTest, CountsAndSubmittedPositionsFollowEveryTransition) {
  auto submitted_position = [&](const JobRequest& r) {
    auto s = jobs_->submit(r, "");
    EXPECT_TRUE(s.ok());
    EXPECT_EQ(jobs_->get(s->first.job.id).value().queue_position, s->first.queue_position);
    return std::make_pair(s->first.job.id, s->first.queue_position.value_or(-1));
  };
  auto [a, pa] = submitted_position(request("a"));
  auto [b, pb] = submitted_position(request("b", 1, 5));
  auto [c, pc] = submitted_position(request("c", 2));
  EXPECT_EQ(pa, 1);
  EXPECT_EQ(pb, 1);  // ahead of a
  EXPECT_EQ(pc, 3);
  auto counts = [&] {
    auto got = jobs_->counts();
    EXPECT_TRUE(got.ok());
    std::map<std::string, std::int64_t> nonzero;
    for (const auto& [s, n] : got->by_status) {
      if (n != 0) nonzero[s] = n;
    }
    return std::make_pair(nonzero, got->running_cpu);
  };
  using Counts = std::map<std::string, std::int64_t>;
  EXPECT_EQ(counts(), std::make_pair(Counts{{"queued", 3}}, 0.0));

  auto started = jobs_->admit(1);  // b only
  ASSERT_TRUE(started.ok());
  ASSERT_EQ(started->size(), 1u);
  EXPECT_EQ(counts(), std::make_pair(Counts{{"queued", 2}, {"running", 1}}, 1.0));
  EXPECT_EQ(submitted_position(request("d", 1, 5)).second, 1);  // b runs: d is first in line
  ASSERT_TRUE(jobs_->cancel(a).ok());
  ASSERT_TRUE(jobs_->apply(event(b, 1, "succeeded")).ok());
  EXPECT_EQ(counts(), std::make_pair(Counts{{"queued", 2}, {"cancelled", 1}, {"succeeded", 1}}, 0.0));
  started = jobs_->admit(3);  // d (1 CPU), then c (2 CPUs)
  ASSERT_TRUE(started.ok());
  ASSERT_EQ(started->size(), 2u);
  ASSERT_TRUE(jobs_->apply(event(c, 1, "failed")).ok());  // retried or failed: it leaves running
  auto after = counts();
  EXPECT_EQ(after.first["running"], 1);
  EXPECT_EQ(after.second, 1.0);
  EXPECT_EQ(after.first["queued"] + after.first["failed"], 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, JobRepositoryTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

TEST(JobRequestTest, RejectsBadInputWithClearMessages) {
  auto error = [](const nlohmann::json& body) {
    auto r = JobRequest::parse(body, 4);
    return r.ok() ? std::string() : r.error().message;
  };
  nlohmann::json ok = {{"model_name", "m"}, {"dataset_location", "s3://bucket/key.csv"}, {"cpu_request", 1}};
  EXPECT_EQ(error(ok), "");
  auto with = [&](const char* k, nlohmann::json v) {
    auto b = ok;
    b[k] = std::move(v);
    return error(b);
  };
  EXPECT_NE(with("surprise", 1).find("unknown field 'surprise'"), std::string::npos);
  EXPECT_NE(with("cpu_request", -1).find("greater than 0"), std::string::npos);
  EXPECT_NE(with("cpu_request", "2").find("must be a number"), std::string::npos);
  EXPECT_NE(with("cpu_request", 64).find("could never start"), std::string::npos);
  EXPECT_NE(with("model_name", "../etc").find("model_name"), std::string::npos);
  EXPECT_NE(with("dataset_location", "/etc/passwd").find("dataset_location"), std::string::npos);
  EXPECT_NE(with("task", "clustering").find("task"), std::string::npos);
  EXPECT_NE(with("algorithm", "gpt").find("algorithm"), std::string::npos);
  EXPECT_NE(with("priority", 1.5).find("integer"), std::string::npos);
  EXPECT_NE(with("params", nlohmann::json::array()).find("params"), std::string::npos);
  EXPECT_NE(with("params", {{"depth", {{"x", 1}}}}).find("params.depth"), std::string::npos);
  auto missing = ok;
  missing.erase("dataset_location");
  EXPECT_NE(error(missing).find("missing required field 'dataset_location'"), std::string::npos);
}

TEST(JobRequestTest, CpuRequestIsOptionalAndDefaultsToOneCpu) {
  nlohmann::json body = {{"model_name", "m"}, {"dataset_location", "file://demo/churn.csv"}};
  auto r = JobRequest::parse(body, 4);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value().cpu_request, 1.0);
  EXPECT_EQ(r.value().to_json()["cpu_request"], 1.0);
  // The same job as one that asks for 1 CPU (Idempotency-Key compares canonical forms).
  body["cpu_request"] = 1;
  EXPECT_EQ(JobRequest::parse(body, 4).value().canonical(), r.value().canonical());
  // A given value is still checked, null included.
  for (const nlohmann::json& bad : {nlohmann::json(nullptr), nlohmann::json(0), nlohmann::json("1")}) {
    body["cpu_request"] = bad;
    EXPECT_FALSE(JobRequest::parse(body, 4).ok()) << bad.dump();
  }
  // The default must fit the capacity like any other value.
  body.erase("cpu_request");
  auto small = JobRequest::parse(body, 0.5);
  ASSERT_FALSE(small.ok());
  EXPECT_NE(small.error().message.find("(the default) exceeds the capacity"), std::string::npos) << small.error().message;
}

}  // namespace
}  // namespace chatdb::orchestrator
