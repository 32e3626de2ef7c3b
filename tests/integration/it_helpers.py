"""Small helpers shared by the integration tests."""
import os
import time

import requests


def wait_for_job(chatdb, job_id, timeout=120, terminal=("succeeded", "failed", "cancelled")):
    """Polls GET /jobs/{id} until the job reaches one of `terminal`; returns the job."""
    deadline = time.time() + timeout
    job = None
    while time.time() < deadline:
        job = requests.get(chatdb.url("training-orchestrator", f"/jobs/{job_id}"), timeout=5).json()
        if job["status"] in terminal:
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} not finished after {timeout}s: {job}")


def submit_job(chatdb, **body):
    body.setdefault("cpu_request", 1)
    r = requests.post(chatdb.url("training-orchestrator", "/jobs"), json=body, timeout=10)
    assert r.status_code == 202, r.text
    return r.json()


def unique(prefix):
    return f"{prefix}-{os.getpid()}-{int(time.time() * 1000) % 10**9}"
