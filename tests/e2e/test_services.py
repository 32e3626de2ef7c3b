"""Black-box checks of `chatdb up`: every service's health, readiness, metrics and how it
treats bad requests."""
import json
import os
import random
import shutil
import socket
import subprocess
import time

import pytest
import requests

from conftest import SERVICES, chatdb_bin, free_ports


def raw_exchange(url, payload, wait=3.0):
    """Sends raw bytes; returns (bytes read until the server closed or went quiet, closed?)."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=wait) as s:
        s.sendall(payload)
        data = b""
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    return data, True
                data += chunk
        except socket.timeout:
            return data, False


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("prefix", ["", "/api/v1"])
def test_health_ready_and_description(up, service, prefix):
    base = up.urls[service] + prefix
    health = requests.get(base + "/health")
    assert health.status_code == 200
    assert health.json() == {"status": "ok", "service": service}
    ready = requests.get(base + "/ready")
    assert ready.status_code == 200, ready.text
    assert ready.json()["status"] == "ready"
    root = requests.get(base + "/")
    assert root.status_code == 200
    assert root.json()["service"] == service
    assert "GET /health" in root.json()["endpoints"]


@pytest.mark.parametrize("path", ["/", "/test/", "/api/v1/"])
def test_test_service_reports_the_other_four(up, path):
    body = requests.get(up.urls["test-service"] + path).json()
    statuses = {s["target"]: s["status"] for s in body["services"]}
    assert statuses == {name: "up" for name in SERVICES if name != "test-service"}


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool (Debian package prometheus) missing")
@pytest.mark.parametrize("service", SERVICES)
def test_metrics_pass_promtool(up, service):
    requests.get(up.urls[service] + "/health")
    text = requests.get(up.urls[service] + "/metrics").text
    check = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert f'chatdb_http_requests_total{{service="{service}",route="/health",method="GET",code="200"}}' in text
    assert "chatdb_http_request_duration_seconds_bucket{" in text
    assert "process_resident_memory_bytes " in text
    assert "process_start_time_seconds " in text
    assert f'chatdb_build_info{{service="{service}"' in text


def test_metrics_count_requests(up):
    url = up.urls["model-registry"]

    def count():
        for line in requests.get(url + "/metrics").text.splitlines():
            # A route that test-service's probes never call, so only this test's requests count.
            if line.startswith('chatdb_http_requests_total{service="model-registry",route="/registered-models",method="GET",code="200"}'):
                return float(line.split()[-1])
        return 0.0

    before = count()
    for _ in range(3):
        requests.get(url + "/api/v1/registered-models")
    assert count() == before + 3


def test_post_to_health_is_405_with_allow(up):
    r = requests.post(up.urls["training-orchestrator"] + "/health")
    assert r.status_code == 405
    assert r.headers["Allow"] == "GET"
    assert r.headers["Content-Type"] == "application/problem+json"
    body = r.json()
    assert body["status"] == 405 and body["title"] == "Method Not Allowed" and "POST" in body["detail"]


def test_unknown_path_is_404_problem(up):
    r = requests.get(up.urls["query-parser"] + "/no/such/thing")
    assert r.status_code == 404
    assert r.json()["type"] and r.json()["detail"]


def test_two_mebibyte_body_is_413(up):
    r = requests.post(up.urls["ml-engine"] + "/health", data=b"x" * (2 * 1024 * 1024))
    assert r.status_code == 413
    assert "limit" in r.json()["detail"]


def test_random_bytes_get_400(up):
    rng = random.Random(7)
    junk = bytes(rng.randrange(256) for _ in range(512)) + b"\r\n\r\n"
    data, closed = raw_exchange(up.urls["test-service"], junk)
    assert data.startswith(b"HTTP/1.1 400"), data[:80]
    assert closed


def test_half_request_is_cut_off_by_timeout(up):
    start = time.time()
    data, closed = raw_exchange(up.urls["query-parser"], b"GET /health HTTP/1.1\r\nHost: x\r\n", wait=5)
    assert closed, "server kept a stalled connection open"
    assert time.time() - start < 4  # idle timeout is 1 s in these tests
    assert b"200 OK" not in data


def test_oversized_headers_get_431(up):
    r = requests.get(up.urls["model-registry"] + "/health", headers={"X-Big": "a" * 9000})
    assert r.status_code == 431


def test_request_id_is_echoed_and_logged(up):
    # /metrics, not /health: probes of /health and /ready are logged at debug level only.
    r = requests.get(up.urls["ml-engine"] + "/metrics", headers={"X-Request-Id": "e2e-trace-42"})
    assert r.headers["X-Request-Id"] == "e2e-trace-42"
    generated = requests.get(up.urls["ml-engine"] + "/metrics").headers["X-Request-Id"]
    assert len(generated) == 32
    time.sleep(0.1)
    lines = [json.loads(l) for l in up.logs().splitlines() if l.startswith("{")]
    mine = [l for l in lines if l.get("request_id") == "e2e-trace-42"]
    assert len(mine) == 1
    assert mine[0]["msg"] == "request" and mine[0]["status"] == 200 and mine[0]["service"] == "ml-engine"


def test_still_serves_after_all_the_abuse(up):
    # Runs last in this file: every service still answers after the bad requests above.
    for name, url in up.urls.items():
        assert requests.get(url + "/health").status_code == 200, name
    assert up.proc.poll() is None


def test_sigterm_lets_in_flight_request_finish_and_exits_zero(start):
    # query-parser alone is ready on its demo database; the others wait for their peers.
    svc = start("query-parser")
    svc.wait_ready()
    host, port = svc.urls["query-parser"].removeprefix("http://").split(":")
    s = socket.create_connection((host, int(port)), timeout=5)
    s.sendall(b"POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n12345")
    time.sleep(0.2)
    svc.proc.send_signal(15)
    time.sleep(0.3)
    with pytest.raises(OSError):
        socket.create_connection((host, int(port)), timeout=1)
    s.sendall(b"67890")
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    assert data.startswith(b"HTTP/1.1 405"), data[:80]
    assert b"Connection: close" in data
    assert svc.proc.wait(timeout=10) == 0


@pytest.mark.parametrize("args,env,needle", [
    (["up", "--ml-engine-port", "70000"], {}, "ML_ENGINE_PORT"),
    (["serve", "query-parser"], {"DATABASE_URL": "mysql://db/x"}, "DATABASE_URL"),
    (["up"], {"KAFKA_BOOTSTRAP_SERVERS": "broker"}, "KAFKA_BOOTSTRAP_SERVERS"),
    (["up"], {"LOG_LEVEL": "chatty"}, "LOG_LEVEL"),
])
def test_invalid_configuration_stops_start_up_naming_the_variable(args, env, needle):
    r = subprocess.run([chatdb_bin()] + args, env={**os.environ, **env}, capture_output=True, text=True, timeout=10)
    assert r.returncode == 2
    assert needle in r.stderr and "expected" in r.stderr


def test_flag_overrides_environment(tmp_path):
    env_port, flag_port = free_ports(2)
    proc = subprocess.Popen([chatdb_bin(), "serve", "model-registry", "--model-registry-port", str(flag_port)],
                            env={**os.environ, "MODEL_REGISTRY_PORT": str(env_port), "CHATDB_DATA_DIR": str(tmp_path)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 10
        while True:
            try:
                assert requests.get(f"http://127.0.0.1:{flag_port}/health", timeout=1).status_code == 200
                break
            except requests.ConnectionError:
                assert time.time() < deadline, "the flag's port is not served"
                time.sleep(0.05)
        with pytest.raises(requests.ConnectionError):
            requests.get(f"http://127.0.0.1:{env_port}/health", timeout=1)
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0


def test_help_and_version():
    h = subprocess.run([chatdb_bin(), "--help"], capture_output=True, text=True)
    assert h.returncode == 0
    for sub in ("up", "serve", "version"):
        assert sub in h.stdout
    v = subprocess.run([chatdb_bin(), "version"], capture_output=True, text=True)
    assert v.returncode == 0 and v.stdout.startswith("chatdb ")
    s = subprocess.run([chatdb_bin(), "serve", "--help"], capture_output=True, text=True)
    assert "--database-url" in s.stdout and "DATABASE_URL" in s.stdout
    bad = subprocess.run([chatdb_bin(), "serve", "no-such-service"], capture_output=True, text=True)
    assert bad.returncode != 0
