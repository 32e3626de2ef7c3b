"""The chatdb binary accepts the configuration that the pods get: chatdb-config plus
chatdb-secrets as environment (only the listen address, port and data directory are changed so
that it runs here). An invalid value must stop it with status 2, naming the variable."""
import os
import socket
import subprocess
import time
import urllib.request

import pytest

from manifests import ROOT, SERVICES_NAMESPACE, config_map_data, secret_data

CHATDB = os.environ.get("CHATDB_BIN", os.path.join(ROOT, "build", "chatdb"))

pytestmark = pytest.mark.skipif(not os.access(CHATDB, os.X_OK), reason="build/chatdb is not built (make build)")


def pod_environment(docs, tmp_path):
    env = dict(config_map_data(docs, SERVICES_NAMESPACE, "chatdb-config"))
    env.update(secret_data(docs, SERVICES_NAMESPACE, "chatdb-secrets"))
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    env.update(CHATDB_HOST="127.0.0.1", TEST_SERVICE_PORT=str(port), CHATDB_DATA_DIR=str(tmp_path),
               PATH=os.environ.get("PATH", "/usr/bin:/bin"))
    return env, port


def start(env):
    return subprocess.Popen([CHATDB, "serve", "test-service"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_the_binary_accepts_the_pod_configuration(docs, tmp_path):
    env, port = pod_environment(docs, tmp_path)
    proc = start(env)
    try:
        deadline = time.time() + 10
        status = None
        while time.time() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as r:
                    status = r.status
                    break
            except OSError:
                time.sleep(0.1)
        assert proc.poll() is None, proc.communicate()[1][-2000:]
        assert status == 200
    finally:
        proc.terminate()
        proc.communicate(timeout=15)


@pytest.mark.parametrize("key,value", [("KAFKA_BOOTSTRAP_SERVERS", "kafka.chatdb-system.svc"),
                                       ("MODEL_REGISTRY_URL", "model-registry:8004"),
                                       ("QUERY_TOPIC", "queries and answers")])
def test_the_binary_refuses_a_broken_configuration(docs, tmp_path, key, value):
    config_map_data(docs, SERVICES_NAMESPACE, "chatdb-config")[key] = value
    env, _ = pod_environment(docs, tmp_path)
    proc = start(env)
    try:
        _, err = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 2
    assert key in err
