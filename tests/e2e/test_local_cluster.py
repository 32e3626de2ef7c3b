"""The distributed topology on one machine: scripts/local-cluster.sh starts PostgreSQL, the
broker, s3rver and five `chatdb serve` processes; every service is ready; `down` stops exactly
what `up` started."""
import os
import subprocess
import time

import pytest
import requests

from conftest import CLUSTER_SCRIPT as SCRIPT, LocalCluster


def test_every_service_is_ready_in_the_distributed_topology(cluster):
    values = cluster.env
    for var in ("TRAINING_ORCHESTRATOR_URL", "QUERY_PARSER_URL", "ML_ENGINE_URL", "MODEL_REGISTRY_URL", "TEST_SERVICE_URL"):
        # test-service reports its last probe round (every 5 s): give it one round to catch up
        # after the outage tests that may have run before this one.
        deadline = time.time() + 12
        while (r := requests.get(values[var] + "/ready", timeout=5)).status_code != 200 and time.time() < deadline:
            time.sleep(0.5)
        assert r.status_code == 200, (var, r.text)
    assert values["DATABASE_URL"].startswith("postgresql://")
    assert not values["KAFKA_BOOTSTRAP_SERVERS"].startswith("local")
    assert values["S3_ENDPOINT"].startswith("http://127.0.0.1:")


def test_services_run_as_separate_processes_on_real_backends(cluster):
    env, values = cluster.script_env, cluster.env
    pids_dir = os.path.join(cluster.dir, "pids")
    pids = {name: int(open(os.path.join(pids_dir, name)).read()) for name in os.listdir(pids_dir)}
    services = {"training-orchestrator", "test-service", "query-parser", "ml-engine", "model-registry"}
    assert services <= set(pids)
    assert len({pids[s] for s in services}) == 5
    ready = requests.get(values["TRAINING_ORCHESTRATOR_URL"] + "/ready").json()
    assert ready["checks"]["metadata_store"]["ok"] and ready["checks"]["message_bus"]["ok"]
    status = subprocess.run([SCRIPT, "status"], env=env, capture_output=True, text=True)
    assert status.returncode == 0, status.stdout


def test_down_stops_exactly_what_up_started(tmp_path):
    other = LocalCluster(str(tmp_path / "c"))
    bystander = subprocess.Popen(["sleep", "60"])
    try:
        other.up()
        pids = [int(p.read_text()) for p in (tmp_path / "c" / "pids").iterdir()]
        assert subprocess.run([SCRIPT, "down"], env=other.script_env, capture_output=True, timeout=60).returncode == 0
        for pid in pids:
            with pytest.raises(ProcessLookupError):
                os.kill(pid, 0)
        assert bystander.poll() is None, "down stopped a process it did not start"
        assert subprocess.run([SCRIPT, "status"], env=other.script_env, capture_output=True).returncode != 0
    finally:
        bystander.kill()
        other.down()
