"""API keys end to end against `chatdb up`: it starts open and says so; keys created with
`chatdb keys create` while it runs turn authentication on within seconds; 401 (with
WWW-Authenticate), 403 and 200 by scope; probes stay open; a revoked key stops working without a
restart; training still works (the services call each other with their own key); the CLI sends
CHATDB_API_KEY."""
import os
import stat
import subprocess
import time
import uuid

import pytest
import requests

from conftest import SERVICES, Running, base_env, chatdb_bin, free_ports


def run_cli(env, *args, api_key=None):
    env = dict(env)
    env.pop("CHATDB_API_KEY", None)
    if api_key:
        env["CHATDB_API_KEY"] = api_key
    return subprocess.run([chatdb_bin(), *args], env=env, capture_output=True, text=True, timeout=120)


def create_key(env, name, scopes):
    r = run_cli(env, "keys", "create", name, "--scopes", scopes)
    assert r.returncode == 0, r.stderr
    token = r.stdout.strip()
    assert token.startswith("chatdb_") and len(token) == 71
    return token


CUSTOMER = {"tenure_months": 2, "monthly_charges": 99.5, "contract": "month-to-month",
            "payment_method": "electronic check", "internet_service": "fiber", "support_calls": 5,
            "senior_citizen": 1, "total_charges": None}


def bearer(token):
    return {"Authorization": "Bearer " + token}


def eventually(predicate, timeout=5):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


class Secured:
    def __init__(self, running, env, keys_file, tokens):
        self.running, self.env, self.keys_file, self.tokens = running, env, keys_file, tokens
        self.urls = running.urls


@pytest.fixture(scope="module")
def secured(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("keys")
    ports = dict(zip(SERVICES, free_ports(len(SERVICES))))
    env = base_env(tmp, ports)
    env.pop("CHATDB_API_KEY", None)
    running = Running(["up"], env, ports, str(tmp / "chatdb.log"))
    try:
        running.wait_ready()
        banner = []
        for line in running.proc.stdout:
            banner.append(line)
            if line.startswith("Stop with"):
                break
        assert "no API keys: every request is allowed; create one with chatdb keys create\n" in banner, banner
        orchestrator = running.urls["training-orchestrator"]
        assert requests.get(orchestrator + "/jobs", timeout=5).status_code == 200

        # Created while the services run: they pick the file up without a restart.
        tokens = {scope: create_key(env, name, scope) for scope, name in
                  (("read", "reader"), ("write", "writer"), ("admin", "administrator"))}
        assert eventually(lambda: requests.get(orchestrator + "/jobs", timeout=5).status_code == 401)
        yield Secured(running, env, str(tmp / "data" / "api-keys"), tokens)
    finally:
        code = running.stop()
        assert code == 0, f"chatdb up exited {code}"


def test_the_keys_file_holds_hashes_only_with_mode_0600(secured):
    text = open(secured.keys_file).read()
    for token in secured.tokens.values():
        assert token not in text and token[len("chatdb_"):] not in text
    assert stat.S_IMODE(os.stat(secured.keys_file).st_mode) == 0o600
    listed = run_cli(secured.env, "keys", "list")
    assert listed.returncode == 0, listed.stderr
    assert all(name in listed.stdout for name in ("reader", "writer", "administrator"))
    assert not any(token in listed.stdout for token in secured.tokens.values())


def test_probes_stay_open(secured):
    for url in secured.urls.values():
        for path in ("/health", "/ready", "/metrics", "/api/v1/health"):
            assert requests.get(url + path, timeout=5).status_code == 200, url + path


def test_no_or_an_unknown_token_is_401_with_www_authenticate(secured):
    for url in secured.urls.values():
        for headers in ({}, bearer("chatdb_" + "0" * 64), {"Authorization": "Basic YTpi"}):
            r = requests.get(url + "/", headers=headers, timeout=5)
            assert r.status_code == 401, (url, r.text)
            assert r.headers["Content-Type"] == "application/problem+json"
            assert r.headers["WWW-Authenticate"].startswith("Bearer")
            assert r.json()["status"] == 401
    # A refused upload is answered before its body is read.
    r = requests.post(secured.urls["training-orchestrator"] + "/api/v1/jobs", json={"model_name": "x"}, timeout=5)
    assert r.status_code == 401


def test_scopes_by_effect(secured):
    t = secured.tokens
    orchestrator, registry = secured.urls["training-orchestrator"], secured.urls["model-registry"]
    parser, engine = secured.urls["query-parser"], secured.urls["ml-engine"]
    for token in t.values():
        assert requests.get(orchestrator + "/jobs", headers=bearer(token), timeout=5).status_code == 200
    # Read-only POSTs need read only.
    r = requests.post(parser + "/api/v1/parse", json={"query": "how many customers are in Germany"},
                      headers=bearer(t["read"]), timeout=30)
    assert r.status_code == 200, r.text
    for path in ("/predict", "/api/v1/ml/predict"):  # the /ml prefix is the same route
        r = requests.post(engine + path, json={"model": "nope", "instances": [{}]}, headers=bearer(t["read"]), timeout=10)
        assert r.status_code == 404, (path, r.text)
    # Changes need write; deletions admin.
    r = requests.post(orchestrator + "/jobs", json={}, headers=bearer(t["read"]), timeout=5)
    assert r.status_code == 403 and r.headers["Content-Type"] == "application/problem+json", r.text
    r = requests.post(orchestrator + "/jobs", json={}, headers=bearer(t["write"]), timeout=5)
    assert r.status_code == 400, r.text  # past the check, refused by the handler
    model = "keys-" + uuid.uuid4().hex[:8]
    r = requests.post(registry + "/registered-models", json={"name": model}, headers=bearer(t["write"]), timeout=5)
    assert r.status_code in (200, 201), r.text
    assert requests.delete(registry + "/registered-models/" + model, headers=bearer(t["write"]), timeout=5).status_code == 403
    # The /models spelling needs the same scopes.
    assert requests.post(registry + "/api/v1/models", json={"name": model + "-x"}, headers=bearer(t["read"]), timeout=5).status_code == 403
    assert requests.delete(registry + "/api/v1/models/" + model, headers=bearer(t["write"]), timeout=5).status_code == 403
    assert requests.delete(registry + "/registered-models/" + model, headers=bearer(t["admin"]), timeout=5).status_code in (200, 204)


def test_failures_are_counted_in_metrics(secured):
    url = secured.urls["model-registry"]
    requests.get(url + "/registered-models", timeout=5)
    requests.get(url + "/registered-models", headers=bearer("chatdb_nope"), timeout=5)
    requests.delete(url + "/registered-models/x", headers=bearer(secured.tokens["read"]), timeout=5)
    metrics = requests.get(url + "/metrics", timeout=5).text
    for reason in ("missing", "unknown", "scope"):
        assert f'chatdb_auth_failures_total{{reason="{reason}"}}' in metrics, metrics
    assert secured.tokens["read"] not in secured.running.logs()


def test_training_works_end_to_end_with_keys(secured):
    t = secured.tokens
    orchestrator = secured.urls["training-orchestrator"]
    model = "keys-churn-" + uuid.uuid4().hex[:8]
    r = requests.post(orchestrator + "/jobs", json={"model_name": model, "dataset_location": "file://demo/churn.csv",
                                                    "cpu_request": 1, "params": {"num_rounds": 20}},
                      headers=bearer(t["write"]), timeout=10)
    assert r.status_code == 202, r.text
    job_id = r.json()["id"]
    job = {}
    deadline = time.time() + 120
    while time.time() < deadline:
        job = requests.get(orchestrator + "/jobs/" + job_id, headers=bearer(t["read"]), timeout=10).json()
        if job["status"] in ("succeeded", "failed", "cancelled"):
            break
        time.sleep(0.2)
    assert job["status"] == "succeeded", job
    r = requests.post(secured.urls["ml-engine"] + "/predict",
                      json={"model": model, "instances": [CUSTOMER]},
                      headers=bearer(t["read"]), timeout=30)
    assert r.status_code == 200, r.text


def test_the_cli_sends_chatdb_api_key(secured):
    ok = run_cli(secured.env, "jobs", api_key=secured.tokens["read"])
    assert ok.returncode == 0, ok.stderr
    assert run_cli(secured.env, "models", api_key=secured.tokens["read"]).returncode == 0
    refused = run_cli(secured.env, "jobs")
    assert refused.returncode == 1 and "API key" in refused.stderr, refused.stderr
    wrong_scope = run_cli(secured.env, "train", "--model", "m", "--dataset", "file://demo/churn.csv", "--no-wait",
                          api_key=secured.tokens["read"])
    assert wrong_scope.returncode == 1 and "scope" in wrong_scope.stderr, wrong_scope.stderr


def test_a_revoked_key_stops_working_within_seconds(secured):
    token = create_key(secured.env, "temporary", "read")
    url = secured.urls["query-parser"] + "/databases"
    assert eventually(lambda: requests.get(url, headers=bearer(token), timeout=5).status_code == 200)
    r = run_cli(secured.env, "keys", "revoke", "temporary")
    assert r.returncode == 0, r.stderr
    revoked_at = time.time()
    assert eventually(lambda: requests.get(url, headers=bearer(token), timeout=5).status_code == 401, timeout=5)
    assert time.time() - revoked_at < 5
    assert run_cli(secured.env, "keys", "revoke", "temporary").returncode == 1


def test_a_malformed_keys_file_keeps_the_last_good_keys(secured):
    good = open(secured.keys_file).read()
    url = secured.urls["query-parser"] + "/databases"
    try:
        with open(secured.keys_file, "w") as f:
            f.write("{ not json")
        time.sleep(2.5)
        assert requests.get(url, headers=bearer(secured.tokens["read"]), timeout=5).status_code == 200
        assert requests.get(url, timeout=5).status_code == 401
        assert eventually(lambda: "API keys file unreadable" in secured.running.logs())  # the log is written behind
    finally:
        with open(secured.keys_file, "w") as f:
            f.write(good)
