"""The robustness tools themselves: the fault proxy injects what it is told to, the backup tool
refuses a damaged backup, and the report shows every experiment's verdict from the metrics."""
import http.server
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time

import pytest
import requests

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "support"))
sys.path.insert(0, os.path.join(ROOT, "tools", "reporting"))

from fault_proxy import FaultProxy  # noqa: E402
import robustness_report  # noqa: E402


class Hello(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "5")
        self.end_headers()
        self.wfile.write(b"hello")

    def log_message(self, *args):
        pass


@pytest.fixture
def upstream():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hello)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def timed_get(url, timeout=5):
    started = time.time()
    r = requests.get(url, timeout=timeout)
    return r, time.time() - started


def test_proxy_adds_the_configured_delay_each_way(upstream):
    proxy = FaultProxy(upstream, delay_ms=100, jitter_ms=10, seed=1).start()
    try:
        r, seconds = timed_get(proxy.url + "/")
        assert r.text == "hello"
        assert 0.18 <= seconds <= 0.6, seconds  # request and answer each delayed 90-110 ms
    finally:
        proxy.stop()


def test_proxy_blackhole_hangs_and_pass_recovers(upstream):
    proxy = FaultProxy(upstream, mode="blackhole").start()
    try:
        with pytest.raises(requests.Timeout):
            requests.get(proxy.url + "/", timeout=0.5)
        proxy.configure(mode="pass")
        assert requests.get(proxy.url + "/", timeout=2).text == "hello"
        proxy.configure(mode="refuse")
        with pytest.raises(requests.ConnectionError):
            requests.get(proxy.url + "/", timeout=2)
    finally:
        proxy.stop()


def test_proxy_rejects_unknown_settings(upstream):
    with pytest.raises(ValueError):
        FaultProxy(upstream, mode="sometimes")


def run_backup(command, directory, env):
    return subprocess.run([os.path.join(ROOT, "scripts", f"{command}.sh"), directory], env=env,
                          capture_output=True, text=True, timeout=60)


def test_backup_restores_sqlite_and_artifacts_and_refuses_a_damaged_backup(tmp_path):
    src = tmp_path / "src"
    (src / "artifacts" / "sha256").mkdir(parents=True)
    with sqlite3.connect(src / "chatdb.db") as db:
        db.execute("CREATE TABLE t (x)")
        db.execute("INSERT INTO t VALUES (42)")
    import hashlib
    blob = b"model bytes"
    digest = hashlib.sha256(blob).hexdigest()
    (src / "artifacts" / "sha256" / digest).write_bytes(blob)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "S3_ENDPOINT")}

    assert run_backup("backup", str(tmp_path / "b"), dict(env, CHATDB_DATA_DIR=str(src))).returncode == 0
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    assert manifest["objects"][f"sha256/{digest}"]["sha256"] == digest

    dst = tmp_path / "dst"
    r = run_backup("restore", str(tmp_path / "b"), dict(env, CHATDB_DATA_DIR=str(dst)))
    assert r.returncode == 0, r.stderr
    assert (dst / "artifacts" / "sha256" / digest).read_bytes() == blob
    with sqlite3.connect(dst / "chatdb.db") as db:
        assert db.execute("SELECT x FROM t").fetchall() == [(42,)]

    (tmp_path / "b" / "artifacts" / "sha256" / digest).write_bytes(b"model bytez")
    other = tmp_path / "other"
    r = run_backup("restore", str(tmp_path / "b"), dict(env, CHATDB_DATA_DIR=str(other)))
    assert r.returncode == 1 and "damaged" in r.stderr
    assert not other.exists(), "nothing is written from a damaged backup"


def test_report_shows_each_verdict_from_the_metrics():
    doc = {"generated_at": "now", "broken_topology": False, "seconds": 1.0, "cpus": 2, "experiments": [
        {"experiment": "kill", "criterion": "ready <= 10 s", "measured": {"ready_seconds": {"ml-engine": 0.5}},
         "checks": {"ready": True}, "passed": True, "seconds": 3},
        {"experiment": "net", "criterion": "p99 <= 1000 ms", "measured": {"p99_ms": 2500.0},
         "checks": {"p99": False}, "passed": False, "seconds": 4}]}
    page = robustness_report.render(doc)
    assert page.count("<tr>") == 3
    assert "PASS" in page and "FAIL" in page and "2500" in page and "1 of 2 experiments passed" in page
