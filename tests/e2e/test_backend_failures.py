"""Dependency outages in the distributed topology (scripts/local-cluster.sh): PostgreSQL
stopped -> 503 with Retry-After, then recovery without a restart; broker down -> writes still
succeed, the outbox grows and drains when the broker returns; S3 down -> a clear 503."""
import os
import time

import requests


def metric(url, name):
    for line in requests.get(url + "/metrics", timeout=5).text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    raise AssertionError(name + " not exported")


def wait_until(predicate, timeout, what):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if predicate():
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{what} within {timeout}s")


def job(model="outage"):
    return {"model_name": model, "dataset_location": "file:///nowhere/outage.csv", "cpu_request": 0.25,
            "priority": -1000}


def pid_of(cluster, service):
    return int(open(os.path.join(cluster.dir, "pids", service)).read())


def test_postgres_outage_gives_503_with_retry_after_and_recovers_without_restart(cluster):
    orchestrator, registry = cluster.url("training-orchestrator"), cluster.url("model-registry")
    pids = (pid_of(cluster, "training-orchestrator"), pid_of(cluster, "model-registry"))
    cluster.run("stop", "postgres")
    try:
        ready = requests.get(orchestrator + "/ready", timeout=10)
        assert ready.status_code == 503 and ready.headers["Retry-After"]
        assert ready.json()["checks"]["metadata_store"]["ok"] is False
        start = time.time()
        write = requests.post(orchestrator + "/jobs", json=job(), timeout=10)
        assert write.status_code == 503, write.text
        assert write.headers["Retry-After"]
        assert write.headers["Content-Type"] == "application/problem+json"
        assert time.time() - start < 8, "an outage must not hang the caller"
        reg = requests.post(registry + "/registered-models", json={"name": "during-outage"}, timeout=10)
        assert reg.status_code == 503 and reg.headers["Retry-After"]
    finally:
        cluster.run("start", "postgres")
    wait_until(lambda: requests.get(orchestrator + "/ready", timeout=5).status_code == 200, 30, "orchestrator ready again")
    assert requests.post(orchestrator + "/jobs", json=job(), timeout=10).status_code == 202
    assert requests.get(registry + "/ready", timeout=5).status_code == 200
    assert (pid_of(cluster, "training-orchestrator"), pid_of(cluster, "model-registry")) == pids


def test_broker_outage_keeps_writes_and_the_outbox_drains_when_it_returns(cluster):
    orchestrator = cluster.url("training-orchestrator")
    cluster.run("stop", "broker")
    try:
        ids = []
        for _ in range(3):
            r = requests.post(orchestrator + "/jobs", json=job("broker-outage"), timeout=10)
            assert r.status_code == 202, r.text
            ids.append(r.json()["id"])
        wait_until(lambda: metric(orchestrator, "chatdb_outbox_pending") >= 3, 30, "admitted jobs waiting in the outbox")
        wait_until(lambda: requests.get(orchestrator + "/ready", timeout=10).status_code == 503, 30, "/ready reporting the bus down")
    finally:
        cluster.run("start", "broker")
    wait_until(lambda: metric(orchestrator, "chatdb_outbox_pending") == 0, 90, "the outbox drained")
    wait_until(lambda: requests.get(orchestrator + "/ready", timeout=5).status_code == 200, 60, "orchestrator ready again")
    for i in ids:
        assert requests.get(orchestrator + "/jobs/" + i, timeout=5).json()["attempts"] >= 1


def test_s3_outage_gives_a_clear_503(cluster):
    registry = cluster.url("model-registry")
    name = f"s3-outage-{int(time.time())}"
    assert requests.post(registry + "/registered-models", json={"name": name}, timeout=10).status_code == 201
    version = requests.post(registry + f"/registered-models/{name}/versions", json={"metadata": {}}, timeout=10).json()["version"]
    cluster.run("stop", "s3rver")
    try:
        up = requests.put(registry + f"/registered-models/{name}/versions/{version}/artifact", data=b"model-bytes", timeout=15)
        assert up.status_code == 503, up.text
        assert up.headers["Retry-After"]
        assert "unreachable" in up.json()["detail"] or "S3" in up.json()["detail"] or "unavailable" in up.json()["detail"]
        assert requests.get(registry + "/ready", timeout=10).status_code == 503
    finally:
        cluster.run("start", "s3rver")
    wait_until(lambda: requests.get(registry + "/ready", timeout=5).status_code == 200, 30, "registry ready again")
    again = requests.put(registry + f"/registered-models/{name}/versions/{version}/artifact", data=b"model-bytes", timeout=15)
    assert again.status_code == 200, again.text
