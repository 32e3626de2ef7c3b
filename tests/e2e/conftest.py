"""Starts the real chatdb binary on free ports and stops it afterwards."""
import os
import signal
import socket
import subprocess
import sys
import time

import pytest
import requests

SERVICES = {
    "training-orchestrator": "TRAINING_ORCHESTRATOR_PORT",
    "test-service": "TEST_SERVICE_PORT",
    "query-parser": "QUERY_PARSER_PORT",
    "ml-engine": "ML_ENGINE_PORT",
    "model-registry": "MODEL_REGISTRY_PORT",
}


def chatdb_bin():
    path = os.environ.get("CHATDB_BIN", os.path.join(os.path.dirname(__file__), "..", "..", "build", "chatdb"))
    return os.path.abspath(path)


def free_ports(n):
    socks = []
    for _ in range(n):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        socks.append(s)
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


class Running:
    """A chatdb process and the base URL of each service it serves."""

    def __init__(self, args, env, ports, log_path):
        self.log_path = log_path
        self.log = open(log_path, "w+")
        self.proc = subprocess.Popen([chatdb_bin()] + args, env=env, stdout=subprocess.PIPE,
                                     stderr=self.log, text=True)
        self.urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}

    def wait_ready(self, timeout=15):
        deadline = time.time() + timeout
        pending = dict(self.urls)
        while pending and time.time() < deadline:
            for name, url in list(pending.items()):
                try:
                    if requests.get(url + "/ready", timeout=1).status_code == 200:
                        del pending[name]
                except requests.ConnectionError:
                    pass
            if self.proc.poll() is not None:
                raise RuntimeError(f"chatdb exited with {self.proc.returncode}: {self.logs()}")
            time.sleep(0.05)
        if pending:
            raise RuntimeError(f"not ready in {timeout}s: {sorted(pending)}")

    def logs(self):
        self.log.flush()
        with open(self.log_path) as f:
            return f.read()

    def stop(self, timeout=10):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=timeout)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
            self.log.close()


def base_env(tmp_path, ports):
    env = dict(os.environ)
    env.update({var: str(ports[name]) for name, var in SERVICES.items() if name in ports})
    # `chatdb up` also serves the console (default 8080): a free port, so runs can overlap.
    env["CHATDB_CONSOLE_PORT"] = str(ports.get("console") or free_ports(1)[0])
    env.update({
        "CHATDB_DATA_DIR": str(tmp_path / "data"),
        "CHATDB_IDLE_TIMEOUT_MS": "1000",
        "CHATDB_READ_TIMEOUT_MS": "1000",
        "CHATDB_PROBE_INTERVAL_MS": "200",
    })
    return env


@pytest.fixture(scope="session")
def up(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("up")
    ports = dict(zip(SERVICES, free_ports(len(SERVICES))))
    env = base_env(tmp, ports)
    running = Running(["up"], env, ports, str(tmp / "chatdb.log"))
    running.console_url = "http://127.0.0.1:" + env["CHATDB_CONSOLE_PORT"]
    try:
        running.wait_ready()
        yield running
    finally:
        code = running.stop()
        assert code == 0, f"chatdb up exited {code}"


@pytest.fixture
def start(tmp_path):
    """Starts one `chatdb serve SERVICE`; stopped at the end of the test if still running."""
    started = []

    def _start(service, extra_env=None):
        port = free_ports(1)[0]
        env = base_env(tmp_path, {service: port})
        env.update(extra_env or {})
        running = Running(["serve", service], env, {service: port}, str(tmp_path / f"{service}.log"))
        started.append(running)
        return running

    yield _start
    for r in started:
        r.stop()


sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from local_cluster import SCRIPT as CLUSTER_SCRIPT, LocalCluster, free_base  # noqa: E402


class Cluster(LocalCluster):
    """A LocalCluster with the shell script's part commands, for outage tests."""

    def run(self, *args, timeout=120):
        r = subprocess.run([CLUSTER_SCRIPT, *args], env=self.script_env, capture_output=True, text=True, timeout=timeout)
        assert r.returncode == 0, r.stdout + r.stderr
        return r


@pytest.fixture(scope="session")
def cluster(tmp_path_factory):
    running = Cluster(str(tmp_path_factory.mktemp("cluster")))
    try:
        yield running.up()
    finally:
        running.down()
