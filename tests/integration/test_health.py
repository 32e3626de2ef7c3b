"""Every service is alive, ready, exports metrics, and serves its paths bare and under /api/v1."""
import pytest
import requests

from conftest import URL_VARS


@pytest.mark.parametrize("service", sorted(URL_VARS))
def test_service_is_healthy_ready_and_exports_metrics(chatdb, service):
    for prefix in ("", "/api/v1"):
        health = requests.get(chatdb.url(service, prefix + "/health"), timeout=5)
        assert health.status_code == 200, (service, prefix, health.text)
    ready = requests.get(chatdb.url(service, "/ready"), timeout=5)
    assert ready.status_code == 200, ready.text
    checks = ready.json().get("checks", {})
    assert all(c["ok"] for c in checks.values()), checks
    metrics = requests.get(chatdb.url(service, "/metrics"), timeout=5)
    assert metrics.status_code == 200
    assert metrics.headers["Content-Type"].startswith("text/plain")
    assert f'chatdb_build_info{{service="{service}"' in metrics.text
    assert "process_resident_memory_bytes" in metrics.text


def test_test_service_sees_the_other_four_up(chatdb):
    """test-service probes the others end to end; its view must agree with theirs."""
    import time
    deadline = time.time() + 30
    while True:
        status = requests.get(chatdb.url("test-service", "/"), timeout=5).json()
        text = requests.get(chatdb.url("test-service", "/metrics"), timeout=5).text
        up = {line.split('target="')[1].split('"')[0]: line.rsplit(" ", 1)[1]
              for line in text.splitlines() if line.startswith("chatdb_probe_up{")}
        if len(up) >= 4 and all(v == "1" for v in up.values()):
            break
        assert time.time() < deadline, f"probes not all up: {up} {status}"
        time.sleep(0.5)
    assert {"training-orchestrator", "query-parser", "ml-engine", "model-registry"} <= set(up)


def test_an_unknown_path_is_a_problem_json_404(chatdb):
    r = requests.get(chatdb.url("training-orchestrator", "/no-such-path"), timeout=5)
    assert r.status_code == 404
    assert r.headers["Content-Type"].startswith("application/problem+json")
    assert r.json()["status"] == 404
