#include "orchestrator/job_repository.h"

#include "common/ids.h"
#include "common/time.h"
#include "outbox/outbox.h"

#include <algorithm>

namespace chatdb::orchestrator {
namespace {

using metadata::in_transaction;
using metadata::Transaction;
using metadata::Value;

Result<std::optional<Job>> load(Transaction& tx, const std::string& id) {
  auto r = tx.query(std::string("SELECT ") + Job::columns() + " FROM training_jobs WHERE id = $1", {id});
  if (!r.ok()) return r.error();
  if (r->rows.empty()) return std::optional<Job>{};
  return std::optional<Job>{Job::from_row(r->rows[0])};
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

double seconds_since(const Job& job, std::int64_t now) {
  return job.started_at ? static_cast<double>(now - *job.started_at) / 1000.0 : 0.0;
}

}  // namespace

JobRepository::JobRepository(metadata::MetadataStore& store, std::string training_topic, JobPolicy policy, Clock clock)
    : store_(store), training_topic_(std::move(training_topic)), policy_(policy), clock_(std::move(clock)) {}

Result<std::pair<JobView, bool>> JobRepository::submit(const JobRequest& request, const std::string& idempotency_key) {
  return in_transaction(store_, [&](Transaction& tx) -> Result<std::pair<JobView, bool>> {
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
        return std::pair{std::move(existing.value()), false};
      }
    }
    const std::string id = new_id();
    const std::int64_t now = unix_millis(clock_);
    auto inserted = tx.execute(
        "INSERT INTO training_jobs (id, model_name, dataset_location, cpu_request, target, task, algorithm, params, "
        "priority, max_retries, timeout_s, status, submitted_at, not_before, updated_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'queued', $12, 0, $12)",
        {id, request.model_name, request.dataset_location, request.cpu_request, opt(request.target), request.task,
         request.algorithm, request.params.dump(), request.priority, request.max_retries, request.timeout_s, now});
    if (!inserted.ok()) return inserted.error();
    if (!idempotency_key.empty()) {
      auto key = tx.execute(
          "INSERT INTO idempotency_keys (scope, idem_key, request_hash, resource_id, created_at) "
          "VALUES ('jobs', $1, $2, $3, $4)",
          {idempotency_key, canonical, id, now});
      if (!key.ok()) return key.error();  // a concurrent twin won: the client retries and finds it
    }
    auto created = view(tx, id);
    if (!created.ok()) return created.error();
    return std::pair{std::move(created.value()), true};
  });
}

Result<JobView> JobRepository::get(const std::string& id) {
  return in_transaction(store_, [&](Transaction& tx) { return view(tx, id); });
}

Result<std::vector<JobView>> JobRepository::list(const JobFilter& filter) {
  return in_transaction(store_, [&](Transaction& tx) -> Result<std::vector<JobView>> {
    std::vector<JobView> out;
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
    return out;
  });
}

Result<JobView> JobRepository::cancel(const std::string& id) {
  return in_transaction(store_, [&](Transaction& tx) -> Result<JobView> {
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
    return view(tx, id);
  });
}

Result<std::vector<Job>> JobRepository::admit(double capacity) {
  return in_transaction(store_, [&](Transaction& tx) -> Result<std::vector<Job>> {
    std::vector<Job> started;
    // Several orchestrator replicas: one admits at a time, so capacity holds across them.
    if (Status locked = tx.lock(727275); !locked.ok()) return locked.error();
    auto running = tx.query("SELECT COALESCE(SUM(cpu_request), 0) FROM training_jobs WHERE status = 'running'");
    if (!running.ok()) return running.error();
    double used = metadata::as_double(running->rows[0][0]);
    std::int64_t now = unix_millis(clock_);
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
      Status queuedmsg = outbox::append(tx, training_topic_, job.id, job.training_message().dump());
      if (!queuedmsg.ok()) return queuedmsg.error();
      started.push_back(std::move(job));
    }
    return started;
  });
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
    return Status::success();
  }
  auto r = tx.execute(
      "UPDATE training_jobs SET status = 'failed', error = $1, finished_at = $2, lease_expires_at = NULL, "
      "updated_at = $2 WHERE id = $3",
      {error, now, job.id});
  if (!r.ok()) return r.error();
  finished = Finished{status::kFailed, seconds_since(job, now)};
  return Status::success();
}

Result<std::optional<Finished>> JobRepository::apply(const JobEvent& event) {
  return in_transaction(store_, [&](Transaction& tx) -> Result<std::optional<Finished>> {
    std::optional<Finished> finished;
    auto loaded = load(tx, event.job_id);
    if (!loaded.ok()) return loaded.error();
    if (!loaded.value()) return finished;  // not ours (or deleted): nothing to do
    const Job& job = **loaded;
    if (job.status != status::kRunning || job.attempts != event.attempt) return finished;
    std::int64_t now = unix_millis(clock_);
    if (event.type == "started" || event.type == "progress") {
      auto r = tx.execute("UPDATE training_jobs SET progress = $1, lease_expires_at = $2, updated_at = $3 WHERE id = $4",
                          {std::clamp(event.progress, 0.0, 1.0), now + policy_.lease_ms, now, job.id});
      if (!r.ok()) return r.error();
      return finished;
    }
    if (event.type == "succeeded") {
      auto r = tx.execute(
          "UPDATE training_jobs SET status = 'succeeded', progress = 1, model_version = $1, metrics = $2, error = NULL, "
          "finished_at = $3, lease_expires_at = NULL, updated_at = $3 WHERE id = $4",
          {event.model_version ? Value{*event.model_version} : Value{nullptr}, event.metrics.dump(), now, job.id});
      if (!r.ok()) return r.error();
      finished = Finished{status::kSucceeded, seconds_since(job, now)};
      return finished;
    }
    Status failed = fail_or_retry(tx, job, event.error.empty() ? "training failed" : event.error, event.retryable, now, finished);
    if (!failed.ok()) return failed.error();
    return finished;
  });
}

Result<std::vector<Finished>> JobRepository::reap() {
  return in_transaction(store_, [&](Transaction& tx) -> Result<std::vector<Finished>> {
    std::vector<Finished> out;
    std::int64_t now = unix_millis(clock_);
    auto running = tx.query(std::string("SELECT ") + Job::columns() + " FROM training_jobs WHERE status = 'running'");
    if (!running.ok()) return running.error();
    for (const auto& row : running->rows) {
      Job job = Job::from_row(row);
      std::optional<Finished> finished;
      if (job.started_at && now - *job.started_at > job.spec.timeout_s * 1000) {
        Status s = fail_or_retry(tx, job, "timed out after " + std::to_string(job.spec.timeout_s) + " s", false, now, finished);
        if (!s.ok()) return s.error();
      } else if (job.lease_expires_at && now > *job.lease_expires_at) {
        Status s = fail_or_retry(tx, job, "the engine stopped reporting (lease expired)", true, now, finished);
        if (!s.ok()) return s.error();
      }
      if (finished) out.push_back(*finished);
    }
    return out;
  });
}

Result<JobCounts> JobRepository::counts() {
  return in_transaction(store_, [&](Transaction& tx) -> Result<JobCounts> {
    JobCounts out;
    auto r = tx.query("SELECT status, COUNT(*), COALESCE(SUM(cpu_request), 0) FROM training_jobs GROUP BY status");
    if (!r.ok()) return r.error();
    for (const auto& row : r->rows) {
      std::string s = metadata::as_text(row[0]);
      out.by_status[s] = metadata::as_int(row[1]);
      if (s == status::kRunning) out.running_cpu = metadata::as_double(row[2]);
    }
    return out;
  });
}

}  // namespace chatdb::orchestrator
