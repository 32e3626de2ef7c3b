"""The guide's concurrent job processing: with a capacity of C CPUs, jobs of cpu_request 1 never
run more than C at a time, wait in a visible queue, start in priority-then-submission order, and
all finish. (`chatdb up` started by conftest has C = 2; the local cluster's C is the machine's
cores; GET / on the orchestrator reports it.)"""
import itertools
import re
import threading
import time

import requests

from it_helpers import submit_job, unique, wait_for_job

# Enough rounds that a job outlives a few polls; the house-prices regression is the slower demo.
SLOW = {"num_rounds": 400, "max_depth": 8}


def running_cpu(chatdb):
    text = requests.get(chatdb.url("training-orchestrator", "/metrics"), timeout=5).text
    return float(re.search(r"^chatdb_jobs_running_cpu (\S+)$", text, re.M).group(1))


class Watcher(threading.Thread):
    """Polls GET /jobs/{id} for each job and chatdb_jobs_running_cpu, as fast as they answer."""

    def __init__(self, chatdb, ids):
        super().__init__(daemon=True)
        self.chatdb, self.ids = chatdb, ids
        self.max_running = 0
        self.max_running_cpu = 0.0
        self.samples = 0
        self.done = threading.Event()

    def run(self):
        session = requests.Session()
        ours = set(self.ids)
        while not self.done.is_set():
            # One GET /jobs?status=running is one consistent snapshot of what runs now.
            listed = session.get(self.chatdb.url("training-orchestrator", "/jobs"),
                                 params={"status": "running", "limit": 500}, timeout=5).json()["jobs"]
            running = [j["id"] for j in listed if j["id"] in ours]
            self.max_running = max(self.max_running, len(running))
            self.max_running_cpu = max(self.max_running_cpu, running_cpu(self.chatdb))
            self.samples += 1
            time.sleep(0.02)


def test_five_jobs_share_the_capacity_in_priority_then_submission_order(chatdb):
    capacity = requests.get(chatdb.url("training-orchestrator", "/"), timeout=5).json()["cpu_capacity"]
    name = unique("it-concurrent")
    # A job that takes the whole capacity first, so that the five below all wait in the queue.
    blocker = submit_job(chatdb, model_name=name + "-blocker", dataset_location="file://demo/house_prices.csv",
                         cpu_request=capacity, params={"num_rounds": 1500, "max_depth": 8})
    priorities = [0, 5, 0, 5, 1]
    jobs = [submit_job(chatdb, model_name=f"{name}-{i}", dataset_location="file://demo/house_prices.csv",
                       cpu_request=1, priority=p, params=SLOW) for i, p in enumerate(priorities)]
    ids = [j["id"] for j in jobs]
    expected = sorted(range(5), key=lambda i: (-priorities[i], i))  # priority, then submission

    # While the blocker runs, the queue shows that order.
    positions = {i: requests.get(chatdb.url("training-orchestrator", f"/jobs/{ids[i]}"), timeout=5).json()
                 for i in range(5)}
    if requests.get(chatdb.url("training-orchestrator", f"/jobs/{blocker['id']}"), timeout=5).json()["status"] == "running":
        queued = [i for i in range(5) if positions[i]["status"] == "queued"]
        assert len(queued) == 5, positions
        by_position = sorted(queued, key=lambda i: positions[i]["queue_position"])
        assert by_position == expected, [positions[i]["queue_position"] for i in range(5)]

    watcher = Watcher(chatdb, [blocker["id"]] + ids)
    watcher.start()
    finished = [wait_for_job(chatdb, i, timeout=300) for i in [blocker["id"]] + ids]
    watcher.done.set()
    watcher.join(10)

    assert [j["status"] for j in finished] == ["succeeded"] * 6, [(j["status"], j["error"]) for j in finished]
    assert watcher.samples > 10, "polled too rarely to judge"
    assert watcher.max_running <= max(capacity, 1), watcher.max_running
    assert watcher.max_running_cpu <= capacity
    if capacity >= 2:
        assert watcher.max_running >= 2, "jobs that fit together should run together"

    # Start order: a job that should go first never started after one that should go later.
    started = {i: finished[1 + i]["started_at"] for i in range(5)}
    for a, b in itertools.combinations(expected, 2):
        assert started[a] <= started[b], (a, b, started)
    # Finishing: each job ran once and got one version.
    for j in finished[1:]:
        assert j["model_version"] == 1
