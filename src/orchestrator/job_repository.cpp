#include "orchestrator/job_repository.h"

#include "common/ids.h"
#include "common/time.h"
#include "outbox/outbox.h"
#include "tracing/span.h"

#include <algorithm>
#include <random>

namespace chatdb::orchestrator {
namespace {

using metadata::Transaction;
using metadata::Value;

constexpr std::int64_t kCountShards = 8;

Result<std::optional<Job>> load(Transaction& tx, const std::string& id) {
  auto r = tx.query(std::string("SELECT ") + Job::columns() + " FROM training_jobs WHERE id = $1", {id});
  if (!r.ok()) return r.error();
  if (r->rows.empty()) return std::optional<Job>{};
  return std::optional<Job>{Job::from_row(r->rows[0])};
}

// Adds `jobs` jobs of `job`'s priority and CPUs to the count of `status`. PostgreSQL runs
// submissions concurrently: each adds to one of a few rows (shards) picked at random, so that
// they do not queue on one row's lock through every commit; the counts are the shards' sums.
Status add_count(Transaction& tx, metadata::Dialect dialect, const Job& job, const std::string& status, std::int64_t jobs) {
  thread_local std::minstd_rand random{std::random_device{}()};
  const std::int64_t shard = dialect == metadata::Dialect::kPostgres ? static_cast<std::int64_t>(random() % kCountShards) : 0;
  auto r = tx.execute(
      "INSERT INTO job_counts (status, priority, shard, jobs, cpu) VALUES ($1, $2, $3, $4, $5) "
      "ON CONFLICT (status, priority, shard) DO UPDATE SET jobs = job_counts.jobs + excluded.jobs, cpu = job_counts.cpu + excluded.cpu",
      {status, job.spec.priority, shard, jobs, static_cast<double>(jobs) * job.spec.cpu_request});
  if (!r.ok()) return r.error();
  return Status::success();
}

// Keeps job_counts in step with a job entering `to` from `from` (nullptr: a new job), in the
// transaction that changes the job, so counting never needs a scan of the jobs.
Status recount(Transaction& tx, metadata::Dialect dialect, const Job& job, const char* from, const char* to) {
  if (!from) return add_count(tx, dialect, job, to, 1);
  // Rows in one order (by status) in every transaction, so that two never wait on each other.
  const bool from_first = std::string_view(from) < std::string_view(to);
  if (Status s = add_count(tx, dialect, job, from_first ? from : to, from_first ? -1 : 1); !s.ok()) return s;
  return add_count(tx, dialect, job, from_first ? to : from, from_first ? 1 : -1);
}

// The position of the newest queued job of its priority: every queued job of a higher or the
// same priority is ahead of it or is it (read from job_counts: constant cost).
Result<std::optional<std::int64_t>> newest_position(Transaction& tx, std::int64_t priority) {
  auto r = tx.query("SELECT COALESCE(SUM(jobs), 0) FROM job_counts WHERE status = 'queued' AND priority >= $1", {priority});
  if (!r.ok()) return r.error();
  return std::optional<std::int64_t>{metadata::as_int(r->rows[0][0])};
}

Result<std::optional<std::int64_t>> position(Transaction& tx, const Job& job) {
  if (job.status != status::kQueued) return std::optional<std::int64_t>{};
  auto r = tx.query(
      "SELECT COUNT(*) FROM training_jobs WHERE status = 'queued' AND (priority > $1 OR (priority = $1 AND seq < $2))",
      {job.spec.priority, job.seq});
  if (!r.ok()) return r.error();
  return std::optional<std::int64_t>{metadata::as_int(r->rows[0][0]) + 1};
}

Result<JobView> view(Transaction& tx, const std::string& id) {
  auto job = load(tx, id);
  if (!job.ok()) return job.error();
  if (!job.value()) return Error::not_found("no job '" + id + "'; GET /jobs lists the jobs");
  auto pos = position(tx, **job);
  if (!pos.ok()) return pos.error();
  return JobView{std::move(**job), pos.value()};
}

Value opt(const std::optional<std::string>& v) { return v ? Value{*v} : Value{nullptr}; }

// The trace this thread works in, stored with a job so that its admission, maybe much later
// and on another replica, publishes the job in the trace of its submission.
std::pair<Value, Value> trace_columns() {
  const auto* trace = tracing::current();
  if (!trace || !trace->context.valid()) return {nullptr, nullptr};
  return {trace->context.traceparent(),
          trace->context.tracestate.empty() ? Value{nullptr} : Value{trace->context.tracestate}};
}

Result<std::optional<tracing::SpanContext>> job_trace(Transaction& tx, const std::string& id) {
  auto r = tx.query("SELECT traceparent, tracestate FROM training_jobs WHERE id = $1", {id});
  if (!r.ok()) return r.error();
  if (r->rows.empty()) return std::optional<tracing::SpanContext>{};
  return tracing::extract(metadata::as_text(r->rows[0][0]), metadata::as_text(r->rows[0][1]));
}

double seconds_since(const Job& job, std::int64_t now) {
  return job.started_at ? static_cast<double>(now - *job.started_at) / 1000.0 : 0.0;
}

}  // namespace

JobRepository::JobRepository(metadata::MetadataStore& store, std::string training_topic, JobPolicy policy, Clock clock)
    : store_(store), training_topic_(std::move(training_topic)), policy_(policy), clock_(std::move(clock)) {}

Result<std::pair<JobView, bool>> JobRepository::submit(const JobRequest& request, const std::string& idempotency_key) {
  std::optional<std::pair<JobView, bool>> out;
  Status st = store_.transact([&](Transaction& tx) -> Status {
    const std::string canonical = request.canonical();
    if (!idempotency_key.empty()) {
      auto seen = tx.query("SELECT request_hash, resource_id FROM idempotency_keys WHERE scope = 'jobs' AND idem_key = $1",
                           {idempotency_key});
      if (!seen.ok()) return seen.error();
      if (!seen->rows.empty()) {
        if (metadata::as_text(seen->rows[0][0]) != canonical) {
          return Error::conflict("Idempotency-Key '" + idempotency_key +
                                 "' was used for a different request; use a new key for a new job");
        }
        auto existing = view(tx, metadata::as_text(seen->rows[0][1]));
        if (!existing.ok()) return existing.error();
        out.emplace(std::move(existing.value()), false);
        return Status::success();
      }
    }
    const std::string id = new_id();
    const std::int64_t now = unix_millis(clock_);
    auto [traceparent, tracestate] = trace_columns();
    auto inserted = tx.execute(
        "INSERT INTO training_jobs (id, model_name, dataset_location, cpu_request, target, task, algorithm, params, "
        "priority, max_retries, timeout_s, status, submitted_at, not_before, updated_at, traceparent, tracestate) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'queued', $12, 0, $12, $13, $14)",
        {id, request.model_name, request.dataset_location, request.cpu_request, opt(request.target), request.task,
         request.algorithm, request.params.dump(), request.priority, request.max_retries, request.timeout_s, now,
         traceparent, tracestate});
    if (!inserted.ok()) return inserted.error();
    if (!idempotency_key.empty()) {
      auto key = tx.execute(
          "INSERT INTO idempotency_keys (scope, idem_key, request_hash, resource_id, created_at) "
          "VALUES ('jobs', $1, $2, $3, $4)",
          {idempotency_key, canonical, id, now});
      if (!key.ok()) return key.error();  // a concurrent twin won: the client retries and finds it
    }
    Job job;
    job.id = id;
    job.status = status::kQueued;
    job.spec = request;
    job.submitted_at = now;
    if (Status counted = recount(tx, store_.dialect(), job, nullptr, status::kQueued); !counted.ok()) return counted;
    auto pos = newest_position(tx, request.priority);
    if (!pos.ok()) return pos.error();
    out.emplace(JobView{std::move(job), pos.value()}, true);
    return Status::success();
  });
  if (!st.ok()) return st.error();
  return std::move(*out);
}

Result<JobView> JobRepository::get(const std::string& id) {
  std::optional<JobView> out;
  Status st = store_.transact([&](Transaction& tx) -> Status {
    auto v = view(tx, id);
    if (!v.ok()) return v.error();
    out = std::move(v.value());
    return Status::success();
  });
  if (!st.ok()) return st.error();
  return std::move(*out);
}

Result<std::vector<JobView>> JobRepository::list(const JobFilter& filter) {
  std::vector<JobView> out;
  Status st = store_.transact([&](Transaction& tx) -> Status {
    std::string sql = std::string("SELECT ") + Job::columns() + " FROM training_jobs WHERE 1 = 1";
    std::vector<Value> params;
    if (filter.status) {
      params.emplace_back(*filter.status);
      sql += " AND status = $" + std::to_string(params.size());
    }
    if (filter.model_name) {
      params.emplace_back(*filter.model_name);
      sql += " AND model_name = $" + std::to_string(params.size());
    }
    params.emplace_back(filter.limit);
    sql += " ORDER BY seq DESC LIMIT $" + std::to_string(params.size());
    params.emplace_back(filter.offset);
    sql += " OFFSET $" + std::to_string(params.size());
    auto rows = tx.query(sql, params);
    if (!rows.ok()) return rows.error();
    for (const auto& row : rows->rows) {
      Job job = Job::from_row(row);
      auto pos = position(tx, job);
      if (!pos.ok()) return pos.error();
      out.push_back({std::move(job), pos.value()});
    }
    return Status::success();
  });
  if (!st.ok()) return st.error();
  return out;
}

Result<JobView> JobRepository::cancel(const std::string& id) {
  std::optional<JobView> out;
  Status st = store_.transact([&](Transaction& tx) -> Status {
    auto job = load(tx, id);
    if (!job.ok()) return job.error();
    if (!job.value()) return Error::not_found("no job '" + id + "'");
    if (status::is_terminal((*job)->status)) {
      return Error::conflict("job " + id + " already " + (*job)->status + "; only queued or running jobs can be cancelled");
    }
    std::int64_t now = unix_millis(clock_);
    auto r = tx.execute(
        "UPDATE training_jobs SET status = 'cancelled', finished_at = $1, lease_expires_at = NULL, updated_at = $1 "
        "WHERE id = $2",
        {now, id});
    if (!r.ok()) return r.error();
    if (Status counted = recount(tx, store_.dialect(), **job, (*job)->status.c_str(), status::kCancelled); !counted.ok()) return counted;
    auto v = view(tx, id);
    if (!v.ok()) return v.error();
    out = std::move(v.value());
    return Status::success();
  });
  if (!st.ok()) return st.error();
  return std::move(*out);
}

Result<std::vector<Job>> JobRepository::admit(double capacity, bool* full) {
  std::vector<Job> started;
  Status st = store_.transact([&](Transaction& tx) -> Status {
    started.clear();
    if (full) *full = false;
    if (store_.dialect() == metadata::Dialect::kPostgres) {
      // Several orchestrator replicas: one admits at a time, so capacity holds across them.
      auto lock = tx.query("SELECT pg_advisory_xact_lock(727275)");
      if (!lock.ok()) return lock.error();
    }
    auto running = tx.query("SELECT COALESCE(SUM(cpu), 0) FROM job_counts WHERE status = 'running'");
    if (!running.ok()) return running.error();
    double used = metadata::as_double(running->rows[0][0]);
    if (used >= capacity - 1e-9) {  // no job can fit
      if (full) *full = true;
      return Status::success();
    }
    std::int64_t now = unix_millis(clock_);
    // In the order of the training_jobs_queue index: reads the head of the queue, not all of it.
    auto queued = tx.query(std::string("SELECT ") + Job::columns() +
                               " FROM training_jobs WHERE status = 'queued' AND not_before <= $1 "
                               "ORDER BY priority DESC, seq ASC LIMIT 100",
                           {now});
    if (!queued.ok()) return queued.error();
    for (const auto& row : queued->rows) {
      Job job = Job::from_row(row);
      if (used + job.spec.cpu_request > capacity + 1e-9) break;
      used += job.spec.cpu_request;
      job.status = status::kRunning;
      job.attempts += 1;
      if (!job.started_at) job.started_at = now;
      auto r = tx.execute(
          "UPDATE training_jobs SET status = 'running', attempts = $1, progress = 0, started_at = $2, "
          "lease_expires_at = $3, updated_at = $4 WHERE id = $5",
          {job.attempts, *job.started_at, now + policy_.lease_ms, now, job.id});
      if (!r.ok()) return r.error();
      auto trace = job_trace(tx, job.id);
      if (!trace.ok()) return trace.error();
      std::optional<tracing::Scope> in_job_trace;
      if (*trace) in_job_trace.emplace(**trace, "");
      Status queuedmsg = outbox::append(tx, training_topic_, job.id, job.training_message().dump());
      if (!queuedmsg.ok()) return queuedmsg;
      if (Status counted = recount(tx, store_.dialect(), job, status::kQueued, status::kRunning); !counted.ok()) return counted;
      started.push_back(std::move(job));
    }
    if (full) *full = used >= capacity - 1e-9;
    return Status::success();
  });
  if (!st.ok()) return st.error();
  return started;
}

Status JobRepository::fail_or_retry(Transaction& tx, const Job& job, const std::string& error, bool retryable,
                                    std::int64_t now, std::optional<Finished>& finished) {
  if (retryable && job.attempts <= job.spec.max_retries) {
    std::int64_t backoff = policy_.retry_base_ms << std::min<std::int64_t>(job.attempts - 1, 20);
    backoff = std::min(backoff, policy_.retry_max_ms);
    auto r = tx.execute(
        "UPDATE training_jobs SET status = 'queued', error = $1, not_before = $2, lease_expires_at = NULL, "
        "updated_at = $3 WHERE id = $4",
        {error, now + backoff, now, job.id});
    if (!r.ok()) return r.error();
    return recount(tx, store_.dialect(), job, job.status.c_str(), status::kQueued);
  }
  auto r = tx.execute(
      "UPDATE training_jobs SET status = 'failed', error = $1, finished_at = $2, lease_expires_at = NULL, "
      "updated_at = $2 WHERE id = $3",
      {error, now, job.id});
  if (!r.ok()) return r.error();
  if (Status counted = recount(tx, store_.dialect(), job, job.status.c_str(), status::kFailed); !counted.ok()) return counted;
  finished = Finished{status::kFailed, seconds_since(job, now)};
  return Status::success();
}

Result<std::optional<Finished>> JobRepository::apply(const JobEvent& event) {
  std::optional<Finished> finished;
  Status st = store_.transact([&](Transaction& tx) -> Status {
    finished.reset();
    auto loaded = load(tx, event.job_id);
    if (!loaded.ok()) return loaded.error();
    if (!loaded.value()) return Status::success();  // not ours (or deleted): nothing to do
    const Job& job = **loaded;
    if (job.status != status::kRunning || job.attempts != event.attempt) return Status::success();
    std::int64_t now = unix_millis(clock_);
    if (event.type == "started" || event.type == "progress") {
      auto r = tx.execute("UPDATE training_jobs SET progress = $1, lease_expires_at = $2, updated_at = $3 WHERE id = $4",
                          {std::clamp(event.progress, 0.0, 1.0), now + policy_.lease_ms, now, job.id});
      if (!r.ok()) return r.error();
      if (event.message) {
        // What the attempt waits for is kept in `error` while it runs (the API shows it as
        // "message"); "" clears it, but not an earlier attempt's error.
        bool waiting = !event.message->empty();
        bool was_waiting = job.error && job.error->starts_with(kWaitingPrefix);
        if (waiting || was_waiting) {
          auto m = tx.execute("UPDATE training_jobs SET error = $1 WHERE id = $2",
                              {waiting ? Value{*event.message} : Value{nullptr}, job.id});
          if (!m.ok()) return m.error();
        }
      }
      return Status::success();
    }
    if (event.type == "succeeded") {
      auto r = tx.execute(
          "UPDATE training_jobs SET status = 'succeeded', progress = 1, model_version = $1, metrics = $2, error = NULL, "
          "finished_at = $3, lease_expires_at = NULL, updated_at = $3 WHERE id = $4",
          {event.model_version ? Value{*event.model_version} : Value{nullptr}, event.metrics.dump(), now, job.id});
      if (!r.ok()) return r.error();
      if (Status counted = recount(tx, store_.dialect(), job, job.status.c_str(), status::kSucceeded); !counted.ok()) return counted;
      finished = Finished{status::kSucceeded, seconds_since(job, now)};
      return Status::success();
    }
    return fail_or_retry(tx, job, event.error.empty() ? "training failed" : event.error, event.retryable, now, finished);
  });
  if (!st.ok()) return st.error();
  return finished;
}

Result<std::vector<Finished>> JobRepository::reap() {
  std::vector<Finished> out;
  Status st = store_.transact([&](Transaction& tx) -> Status {
    out.clear();
    std::int64_t now = unix_millis(clock_);
    auto running = tx.query(std::string("SELECT ") + Job::columns() + " FROM training_jobs WHERE status = 'running'");
    if (!running.ok()) return running.error();
    for (const auto& row : running->rows) {
      Job job = Job::from_row(row);
      std::optional<Finished> finished;
      if (job.started_at && now - *job.started_at > job.spec.timeout_s * 1000) {
        Status s = fail_or_retry(tx, job, "timed out after " + std::to_string(job.spec.timeout_s) + " s", false, now, finished);
        if (!s.ok()) return s;
      } else if (job.lease_expires_at && now > *job.lease_expires_at) {
        Status s = fail_or_retry(tx, job, "the engine stopped reporting (lease expired)", true, now, finished);
        if (!s.ok()) return s;
      }
      if (finished) out.push_back(*finished);
    }
    return Status::success();
  });
  if (!st.ok()) return st.error();
  return out;
}

Result<JobCounts> JobRepository::counts() {
  JobCounts out;
  Status st = store_.transact([&](Transaction& tx) -> Status {
    out = {};
    auto r = tx.query("SELECT status, SUM(jobs), SUM(cpu) FROM job_counts GROUP BY status");
    if (!r.ok()) return r.error();
    for (const auto& row : r->rows) {
      std::string s = metadata::as_text(row[0]);
      out.by_status[s] = metadata::as_int(row[1]);
      if (s == status::kRunning) out.running_cpu = metadata::as_double(row[2]);
    }
    return Status::success();
  });
  if (!st.ok()) return st.error();
  return out;
}

}  // namespace chatdb::orchestrator
