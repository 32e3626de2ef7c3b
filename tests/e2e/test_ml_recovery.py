"""Kill the ml-engine in the middle of a job in the distributed topology and restart it: the
job finishes once, and exactly one model version exists for it."""
import os
import random
import signal
import time

import requests


def write_dataset(path, rows=60000, features=12):
    rng = random.Random(11)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(",".join(f"x{i}" for i in range(features)) + ",target\n")
        for _ in range(rows):
            xs = [rng.gauss(0, 1) for _ in range(features)]
            y = sum(x * (i + 1) for i, x in enumerate(xs[:4])) + rng.gauss(0, 0.5)
            f.write(",".join(f"{x:.4f}" for x in xs) + f",{y:.4f}\n")


def test_killed_engine_mid_job_finishes_the_job_once_with_one_version(cluster):
    data_dir = cluster.env["CHATDB_DATA_DIR"]
    write_dataset(os.path.join(data_dir, "datasets", "recovery", "slow.csv"))
    orchestrator, registry = cluster.url("training-orchestrator"), cluster.url("model-registry")
    model = f"recovery-{int(time.time())}"
    job = requests.post(orchestrator + "/jobs", json={
        "model_name": model, "dataset_location": "file://recovery/slow.csv", "cpu_request": 1,
        "params": {"num_rounds": 1500, "max_depth": 8}}, timeout=10).json()

    deadline = time.time() + 60
    while time.time() < deadline:
        state = requests.get(orchestrator + "/jobs/" + job["id"], timeout=5).json()
        if state["status"] == "running" and state["progress"] > 0.02:
            break
        assert state["status"] in ("queued", "running"), state
        time.sleep(0.1)
    else:
        raise AssertionError("the job never made progress")

    pid_file = os.path.join(cluster.dir, "pids", "ml-engine")
    os.kill(int(open(pid_file).read()), signal.SIGKILL)
    cluster.run("start", "ml-engine")

    deadline = time.time() + 240
    while time.time() < deadline:
        state = requests.get(orchestrator + "/jobs/" + job["id"], timeout=5).json()
        if state["status"] in ("succeeded", "failed", "cancelled"):
            break
        time.sleep(0.5)
    assert state["status"] == "succeeded", state
    versions = requests.get(registry + "/model-versions", params={"job_id": job["id"]}, timeout=5).json()["model_versions"]
    assert len(versions) == 1, versions
    assert versions[0]["status"] == "READY"
    assert versions[0]["version"] == state["model_version"]
    all_versions = requests.get(registry + f"/registered-models/{model}/versions", timeout=5).json()["model_versions"]
    assert len(all_versions) == 1
