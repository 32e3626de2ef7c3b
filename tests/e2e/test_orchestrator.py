"""training-orchestrator over HTTP against `chatdb up`: submission, validation, idempotency,
listing, cancellation and job metrics."""
import uuid

import pytest
import requests


def submit(up, body, **headers):
    return requests.post(up.urls["training-orchestrator"] + "/api/v1/jobs", json=body, headers=headers)


def job_body(**extra):
    body = {"model_name": "e2e-model", "dataset_location": "file:///nowhere/never.csv", "cpu_request": 0.5}
    body.update(extra)
    return body


def test_submit_answers_202_with_id_status_and_queue_position(up):
    r = submit(up, job_body(priority=-1000))
    assert r.status_code == 202, r.text
    job = r.json()
    assert len(job["id"]) == 32
    assert job["status"] in ("queued", "running")
    assert r.headers["Location"] == "/api/v1/jobs/" + job["id"]
    got = requests.get(up.urls["training-orchestrator"] + "/jobs/" + job["id"]).json()
    assert got["id"] == job["id"] and got["model_name"] == "e2e-model"
    for field in ("queue_position", "progress", "attempts", "error", "submitted_at", "started_at", "model_version"):
        assert field in got


def test_cpu_request_is_optional_and_defaults_to_one(up):
    # As both deployment documents send it: {"model_name", "dataset_location"}, bare and under /api/v1.
    body = {"model_name": "e2e-default-cpu", "dataset_location": "file:///nowhere/never.csv", "priority": -1000}
    for url in (up.urls["training-orchestrator"] + "/api/v1/jobs", up.urls["training-orchestrator"] + "/jobs"):
        r = requests.post(url, json=body)
        assert r.status_code == 202, r.text
        assert r.json()["cpu_request"] == 1
        got = requests.get(up.urls["training-orchestrator"] + "/jobs/" + r.json()["id"]).json()
        assert got["cpu_request"] == 1 and got["model_name"] == "e2e-default-cpu"
    # The same job as one that asks for 1 CPU: an Idempotency-Key replays it.
    key = str(uuid.uuid4())
    first = submit(up, body, **{"Idempotency-Key": key})
    second = submit(up, dict(body, cpu_request=1), **{"Idempotency-Key": key})
    assert first.status_code == second.status_code == 202 and first.json()["id"] == second.json()["id"]


@pytest.mark.parametrize("body,needle", [
    ({"model_name": "m", "dataset_location": "file:///x.csv", "cpu_request": -1}, "cpu_request"),
    ({"model_name": "m", "dataset_location": "file:///x.csv", "cpu_request": None}, "cpu_request must be a number"),
    ({"model_name": "m", "dataset_location": "file:///x.csv", "cpu_request": "1"}, "cpu_request must be a number"),
    ({"model_name": "m", "dataset_location": "file:///x.csv", "cpu_request": 1, "colour": "red"}, "unknown field 'colour'"),
    ({"model_name": "m", "cpu_request": 1}, "dataset_location"),
    ({"model_name": 7, "dataset_location": "file:///x.csv", "cpu_request": 1}, "model_name"),
    ({"model_name": "m", "dataset_location": "ftp://x", "cpu_request": 1}, "dataset_location"),
    ({"model_name": "m", "dataset_location": "file:///x.csv", "cpu_request": 1, "task": "cluster"}, "task"),
    ({"model_name": "m", "dataset_location": "file:///x.csv", "cpu_request": 10000}, "capacity"),
])
def test_bad_submissions_get_400_naming_the_problem(up, body, needle):
    before = len(requests.get(up.urls["training-orchestrator"] + "/jobs?limit=500").json()["jobs"])
    r = submit(up, body)
    assert r.status_code == 400, r.text
    assert r.headers["Content-Type"] == "application/problem+json"
    assert needle in r.json()["detail"]
    after = len(requests.get(up.urls["training-orchestrator"] + "/jobs?limit=500").json()["jobs"])
    assert after == before, "a refused submission left a job behind"


def test_malformed_json_is_400(up):
    r = requests.post(up.urls["training-orchestrator"] + "/jobs", data="{not json",
                      headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    assert "not valid JSON" in r.json()["detail"]


def test_idempotency_key_returns_the_same_job(up):
    key = str(uuid.uuid4())
    first = submit(up, job_body(), **{"Idempotency-Key": key})
    second = submit(up, job_body(), **{"Idempotency-Key": key})
    assert first.status_code == second.status_code == 202
    assert first.json()["id"] == second.json()["id"]
    assert second.headers.get("Idempotent-Replayed") == "true"
    other = submit(up, job_body(model_name="different"), **{"Idempotency-Key": key})
    assert other.status_code == 409


def test_list_filters_by_model_and_status_and_pages(up):
    model = "list-" + uuid.uuid4().hex[:8]
    ids = {submit(up, job_body(model_name=model)).json()["id"] for _ in range(3)}
    base = up.urls["training-orchestrator"]
    listed = requests.get(base + f"/jobs?model={model}").json()["jobs"]
    assert {j["id"] for j in listed} == ids
    page = requests.get(base + f"/jobs?model={model}&limit=2").json()
    assert len(page["jobs"]) == 2 and page["next_page_token"]
    rest = requests.get(base + f"/jobs?model={model}&limit=2&page_token={page['next_page_token']}").json()
    assert len(rest["jobs"]) == 1
    assert requests.get(base + "/jobs?status=sleeping").status_code == 400
    assert requests.get(base + "/jobs?limit=0").status_code == 400


@pytest.fixture
def blocker(up):
    """A long training job that takes the whole CPU capacity, so that new jobs stay queued."""
    base = up.urls["training-orchestrator"]
    capacity = requests.get(base + "/").json()["cpu_capacity"]
    job = submit(up, {"model_name": "blocker", "dataset_location": "file://demo/churn.csv", "cpu_request": capacity,
                      "priority": 1000, "params": {"num_rounds": 5000}}).json()
    yield job
    requests.post(base + f"/jobs/{job['id']}/cancel")


def test_cancel_queued_then_cancel_again_conflicts(up, blocker):
    base = up.urls["training-orchestrator"]
    job = submit(up, job_body()).json()
    assert requests.get(base + f"/jobs/{job['id']}").json()["status"] == "queued"
    r = requests.post(base + f"/jobs/{job['id']}/cancel")
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    again = requests.post(base + f"/jobs/{job['id']}/cancel")
    assert again.status_code == 409
    assert requests.post(base + "/jobs/does-not-exist/cancel").status_code == 404
    assert requests.get(base + "/jobs/does-not-exist").status_code == 404


def test_cancel_running_job(up, blocker):
    base = up.urls["training-orchestrator"]
    r = requests.post(base + f"/jobs/{blocker['id']}/cancel")
    assert r.status_code == 200 and r.json()["status"] == "cancelled"


def test_job_metrics_move(up, blocker):
    base = up.urls["training-orchestrator"]

    def value(name):
        for line in requests.get(base + "/metrics").text.splitlines():
            if line.startswith(name + " "):
                return float(line.split()[1])
        raise AssertionError(name + " missing")

    before_submitted = value("chatdb_jobs_submitted_total")
    before_cancelled = value("chatdb_jobs_cancelled_total")
    job = submit(up, job_body()).json()
    requests.post(base + f"/jobs/{job['id']}/cancel")
    assert value("chatdb_jobs_submitted_total") == before_submitted + 1
    assert value("chatdb_jobs_cancelled_total") == before_cancelled + 1
