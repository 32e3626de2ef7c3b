"""Where the integration tests find ChatDB.

The base URLs come from the environment, under the names of the services' own settings
(TRAINING_ORCHESTRATOR_URL, TEST_SERVICE_URL, QUERY_PARSER_URL, ML_ENGINE_URL,
MODEL_REGISTRY_URL) and the broker from KAFKA_BOOTSTRAP_SERVERS, so that the same files run
against `chatdb up`, `scripts/local-cluster.sh` (`scripts/with-local-cluster.sh` exports its
variables) and the in-cluster Job (ConfigMap test-targets). When no URL is given, the session
starts `chatdb up` itself on free ports of 127.0.0.1, with a capacity of 2 CPUs, and stops it
at the end.
"""
import os
import signal
import socket
import subprocess
import tempfile
import time

import pytest
import requests

URL_VARS = {
    "training-orchestrator": "TRAINING_ORCHESTRATOR_URL",
    "test-service": "TEST_SERVICE_URL",
    "query-parser": "QUERY_PARSER_URL",
    "ml-engine": "ML_ENGINE_URL",
    "model-registry": "MODEL_REGISTRY_URL",
}
PORT_VARS = {
    "training-orchestrator": "TRAINING_ORCHESTRATOR_PORT",
    "test-service": "TEST_SERVICE_PORT",
    "query-parser": "QUERY_PARSER_PORT",
    "ml-engine": "ML_ENGINE_PORT",
    "model-registry": "MODEL_REGISTRY_PORT",
}
TOPIC_VARS = {"queries": "QUERY_TOPIC", "query_results": "RESULT_TOPIC", "training_jobs": "TRAINING_TOPIC",
              "job_events": "JOB_EVENTS_TOPIC", "predictions": "PREDICTION_TOPIC", "model_events": "MODEL_EVENTS_TOPIC"}


class Target:
    """The services under test: base URL per service, the broker (None for the in-process bus)."""

    def __init__(self, urls, kafka, mode):
        self.urls = urls
        self.kafka = kafka
        self.mode = mode
        self.topics = {name: os.environ.get(var, name) for name, var in TOPIC_VARS.items()}

    def url(self, service, path=""):
        return self.urls[service] + path


def free_ports(n):
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def wait_ready(urls, proc=None, timeout=30):
    deadline = time.time() + timeout
    pending = dict(urls)
    while pending and time.time() < deadline:
        for name, url in list(pending.items()):
            try:
                if requests.get(url + "/ready", timeout=2).status_code == 200:
                    del pending[name]
            except requests.RequestException:
                pass
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"chatdb up exited with {proc.returncode}")
        time.sleep(0.1)
    if pending:
        raise RuntimeError(f"not ready after {timeout}s: {sorted(pending)}")


def kafka_from_env():
    servers = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "")
    if not servers or servers.startswith("local"):
        return None
    return servers.removeprefix("kafka://")


@pytest.fixture(scope="session")
def chatdb():
    given = {name: os.environ.get(var, "").rstrip("/") for name, var in URL_VARS.items()}
    if any(given.values()):
        missing = [URL_VARS[n] for n, u in given.items() if not u]
        if missing:
            pytest.exit(f"set every service URL or none; missing: {', '.join(missing)}", returncode=2)
        wait_ready(given, timeout=float(os.environ.get("CHATDB_READY_TIMEOUT", "60")))
        yield Target(given, kafka_from_env(), "given")
        return

    binary = os.path.abspath(os.environ.get("CHATDB_BIN", os.path.join(os.path.dirname(__file__), "..", "..",
                                                                          "build", "chatdb")))
    ports = dict(zip(URL_VARS, free_ports(len(URL_VARS))))
    with tempfile.TemporaryDirectory(prefix="chatdb-it-") as tmp:
        env = dict(os.environ, CHATDB_DATA_DIR=os.path.join(tmp, "data"), CHATDB_CPU_CAPACITY="2",
                   CHATDB_PROBE_INTERVAL_MS="500")
        env.update({PORT_VARS[n]: str(p) for n, p in ports.items()})
        env["CHATDB_CONSOLE_PORT"] = str(free_ports(1)[0])  # the web console of `chatdb up`
        for var in list(URL_VARS.values()) + ["DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS", "S3_ENDPOINT"]:
            env.pop(var, None)
        log = open(os.path.join(tmp, "chatdb.log"), "w")
        proc = subprocess.Popen([binary, "up"], env=env, stdout=subprocess.DEVNULL, stderr=log)
        urls = {n: f"http://127.0.0.1:{p}" for n, p in ports.items()}
        try:
            wait_ready(urls, proc)
            yield Target(urls, None, "embedded")
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
            log.close()
