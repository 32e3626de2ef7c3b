"""Defect 9 of issue 16: a short dependency outage must not fail a training job. With S3
refusing connections (a fault proxy in front of s3rver), the job waits, says "waiting for S3"
as its message, and succeeds once S3 is back with its max_retries unused; when the outage
outlasts CHATDB_DEPENDENCY_RETRY_BUDGET_S, the job fails with a clear error."""
import os
import subprocess
import sys
import time

import pytest
import requests

from conftest import SERVICES, Running, base_env, free_ports

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from fault_proxy import FaultProxy  # noqa: E402
from local_cluster import wait_port  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CSV = "x,y,label\n" + "".join(f"{i % 10},{(i * 7) % 13},{'a' if i % 10 < 5 else 'b'}\n" for i in range(80))


@pytest.fixture
def s3(tmp_path):
    """s3rver with the dataset s3://datasets/train.csv, behind a fault proxy."""
    port = free_ports(1)[0]
    env = dict(os.environ, NODE_OPTIONS="--openssl-legacy-provider")
    proc = subprocess.Popen([os.path.join(ROOT, "tools", "node", "node_modules", ".bin", "s3rver"), "--address", "127.0.0.1",
                             "--port", str(port), "--directory", str(tmp_path / "s3"), "--configure-bucket", "datasets",
                             "--configure-bucket", "model-artifacts", "--silent"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    proxy = None
    try:
        wait_port(port)
        assert requests.put(f"http://127.0.0.1:{port}/datasets/train.csv", data=CSV, timeout=10).status_code == 200
        proxy = FaultProxy(f"127.0.0.1:{port}").start()
        yield proxy
    finally:
        if proxy:
            proxy.stop()
        proc.terminate()
        proc.wait(timeout=10)


def chatdb_up(tmp_path, proxy, budget_s):
    ports = dict(zip(SERVICES, free_ports(len(SERVICES))))
    env = base_env(tmp_path, ports)
    env.update({"S3_ENDPOINT": proxy.url, "S3_BUCKET": "model-artifacts", "AWS_ACCESS_KEY_ID": "S3RVER",
                "AWS_SECRET_ACCESS_KEY": "S3RVER", "CHATDB_DEPENDENCY_RETRY_BUDGET_S": str(budget_s)})
    running = Running(["up"], env, ports, str(tmp_path / "chatdb.log"))
    running.wait_ready(timeout=30)
    return running


def submit(running, name):
    r = requests.post(running.urls["training-orchestrator"] + "/jobs", timeout=10,
                      json={"model_name": name, "dataset_location": "s3://datasets/train.csv", "target": "label",
                            "cpu_request": 1, "max_retries": 0})
    assert r.status_code == 202, r.text
    return r.json()["id"]


def poll(running, job_id, predicate, timeout, what):
    deadline = time.time() + timeout
    seen = None
    while time.time() < deadline:
        seen = requests.get(running.urls["training-orchestrator"] + "/jobs/" + job_id, timeout=10).json()
        if predicate(seen):
            return seen
        time.sleep(0.2)
    raise AssertionError(f"{what} within {timeout}s; last: {seen}")


def test_a_short_s3_outage_waits_and_the_job_succeeds_without_using_retries(tmp_path, s3):
    running = chatdb_up(tmp_path, s3, budget_s=120)
    try:
        s3.configure(mode="refuse")
        job_id = submit(running, "s3-outage-short")
        waiting = poll(running, job_id, lambda j: "waiting for S3" in (j.get("message") or ""), 60, "waiting for S3 shown")
        assert waiting["status"] == "running" and waiting["attempts"] == 1
        time.sleep(3)  # the outage goes on a little: still the same attempt
        s3.configure(mode="pass")
        done = poll(running, job_id, lambda j: j["status"] in ("succeeded", "failed"), 120, "job finished")
        assert done["status"] == "succeeded", done
        assert done["attempts"] == 1, "a dependency outage must not use the job's retries"
        assert done["message"] is None and done["error"] is None
        assert done["model_version"] >= 1
    finally:
        s3.configure(mode="pass")
        assert running.stop() == 0


def test_an_outage_longer_than_the_budget_fails_the_job_with_a_clear_error(tmp_path, s3):
    running = chatdb_up(tmp_path, s3, budget_s=3)
    try:
        s3.configure(mode="refuse")
        started = time.time()
        job_id = submit(running, "s3-outage-long")
        done = poll(running, job_id, lambda j: j["status"] in ("succeeded", "failed"), 60, "job finished")
        assert done["status"] == "failed", done
        assert "gave up after waiting 3 s for S3" in done["error"], done["error"]
        assert "CHATDB_DEPENDENCY_RETRY_BUDGET_S" in done["error"]
        assert done["attempts"] == 1
        assert time.time() - started >= 3
    finally:
        s3.configure(mode="pass")
        assert running.stop() == 0
