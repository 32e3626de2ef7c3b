"""The web console of `chatdb up`: its files are served from the binary with a strict content
policy, and the public API (/api/v1/jobs, /query, /models, /ml, ...) reaches the service that
owns it, as through the Kubernetes ingress: the same answers, the caller's API key passed on
and checked by the service (the console's own pages need none), a service that is down a 503
naming it, and bad requests refused by the console itself."""
import re
import subprocess
import time

import pytest
import requests

from conftest import SERVICES, Running, base_env, chatdb_bin, free_ports


def wait_console(url, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if requests.get(url + "/ready", timeout=1).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.05)
    raise AssertionError(f"console not ready at {url}")


@pytest.fixture(scope="module")
def console(up):
    wait_console(up.console_url)
    return up.console_url


def test_the_page_and_its_modules_are_served_from_the_binary(console):
    page = requests.get(console + "/", timeout=5)
    assert page.status_code == 200
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "connect-src 'self'" in csp and "unsafe-inline" not in csp
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    for item in ("Chat", "Schema", "Jobs", "Models"):
        assert f">{item}</a>" in page.text
    # Every file the page loads is there, with its type, and names no other origin.
    assert requests.get(console + "/index.html", timeout=5).text == page.text
    modules = ["/js/main.js"]
    seen = set()
    while modules:
        path = modules.pop()
        if path in seen:
            continue
        seen.add(path)
        r = requests.get(console + path, timeout=5)
        assert r.status_code == 200, path
        assert r.headers["Content-Type"] == "text/javascript; charset=utf-8"
        assert not re.search(r"https?://", re.sub(r"http://www\.w3\.org/2000/svg", "", r.text)), path
        modules += ["/js/" + m for m in re.findall(r"from '\./([a-z_]+\.js)'", r.text)]
    assert {"/js/chat.js", "/js/schema.js", "/js/jobs.js", "/js/models.js"} <= seen
    css = requests.get(console + "/app.css", timeout=5)
    assert css.status_code == 200 and css.headers["Content-Type"] == "text/css; charset=utf-8"


def test_unknown_files_and_methods_are_refused(console):
    r = requests.get(console + "/js/nothing.js", timeout=5)
    assert r.status_code == 404 and r.headers["Content-Type"] == "application/problem+json"
    assert requests.get(console + "/../../etc/passwd", timeout=5).status_code == 404
    assert requests.post(console + "/index.html", data="x", timeout=5).status_code == 405
    # Only the ingress's prefixes are forwarded: not the services' bare paths, not their probes.
    assert requests.get(console + "/jobs", timeout=5).status_code == 404
    assert requests.get(console + "/api/v1/jobsx", timeout=5).status_code == 404
    assert requests.get(console + "/api/v1/health", timeout=5).status_code == 404


def test_the_api_answers_as_the_services_do(up, console):
    parser = up.urls["query-parser"]
    question = {"query": "how many customers are in Germany"}
    direct = requests.post(parser + "/api/v1/query", json=question, timeout=30)
    via = requests.post(console + "/api/v1/query", json=question, timeout=30)
    assert via.status_code == direct.status_code == 200
    assert {k: v for k, v in via.json().items() if k != "elapsed_ms"} == \
        {k: v for k, v in direct.json().items() if k != "elapsed_ms"}
    assert via.json()["rows"] and via.json()["sql"].upper().startswith("SELECT")
    for path, service in (("/api/v1/databases", "query-parser"), ("/api/v1/schema?database=demo", "query-parser"),
                          ("/api/v1/jobs?limit=2", "training-orchestrator"), ("/api/v1/models", "model-registry"),
                          ("/api/v1/registered-models", "model-registry"), ("/api/v1/ml/health", "ml-engine")):
        a = requests.get(console + path, timeout=10)
        b = requests.get(up.urls[service] + path, timeout=10)
        assert a.status_code == b.status_code == 200, path
        assert a.json() == b.json(), path
    # Errors come through whole: status, type and detail.
    bad = requests.post(console + "/api/v1/jobs", json={"model_name": "x"}, timeout=5)
    assert bad.status_code == 400 and bad.headers["Content-Type"] == "application/problem+json"
    assert "dataset_location" in bad.json()["detail"]
    missing = requests.get(console + "/api/v1/jobs/does-not-exist", timeout=5)
    assert missing.status_code == 404 and missing.json()["status"] == 404
    # The request id goes through to the service and comes back.
    r = requests.get(console + "/api/v1/jobs?limit=1", headers={"X-Request-Id": "console-test-1"}, timeout=5)
    assert r.headers["X-Request-Id"] == "console-test-1"
    # Logged by the console and by the orchestrator (each after its answer is written).
    deadline = time.time() + 5
    while up.logs().count('"request_id":"console-test-1"') < 2 and time.time() < deadline:
        time.sleep(0.05)
    assert '"service":"console"' in up.logs() and up.logs().count('"request_id":"console-test-1"') == 2


def test_bodies_over_the_ingress_limit_are_refused_before_forwarding(console):
    r = requests.post(console + "/api/v1/predict", data=b"{" + b" " * (1024 * 1024 + 10) + b"}",
                      headers={"Content-Type": "application/json"}, timeout=10)
    assert r.status_code == 413


def test_a_service_that_is_down_is_a_503_naming_it(tmp_path):
    console_port, closed = free_ports(2)
    env = base_env(tmp_path, {})
    env.update({"CHATDB_CONSOLE_PORT": str(console_port), "TRAINING_ORCHESTRATOR_URL": f"http://127.0.0.1:{closed}"})
    running = Running(["serve", "console"], env, {"console": console_port}, str(tmp_path / "console.log"))
    try:
        running.wait_ready()
        r = requests.get(running.urls["console"] + "/api/v1/jobs", timeout=10)
        assert r.status_code == 503 and r.headers["Content-Type"] == "application/problem+json"
        assert r.headers["Retry-After"]
        assert "training-orchestrator is not reachable" in r.json()["detail"]
        assert str(closed) not in r.text  # no internal address in the answer
        assert requests.get(running.urls["console"] + "/", timeout=5).status_code == 200
    finally:
        assert running.stop() == 0


def test_api_keys_are_checked_by_the_services_behind_the_console(tmp_path):
    ports = dict(zip(SERVICES, free_ports(len(SERVICES))))
    env = base_env(tmp_path, ports)
    env.pop("CHATDB_API_KEY", None)
    created = subprocess.run([chatdb_bin(), "keys", "create", "reader", "--scopes", "read"], env=env,
                             capture_output=True, text=True, timeout=30)
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip()
    running = Running(["up"], env, ports, str(tmp_path / "chatdb.log"))
    console = "http://127.0.0.1:" + env["CHATDB_CONSOLE_PORT"]
    try:
        running.wait_ready()
        wait_console(console)
        # The page itself needs no key (a browser cannot send one for it) ...
        assert requests.get(console + "/", timeout=5).status_code == 200
        # ... the API does, checked by the service with the caller's key and scope.
        r = requests.get(console + "/api/v1/jobs", timeout=5)
        assert r.status_code == 401 and r.headers["WWW-Authenticate"].startswith("Bearer")
        auth = {"Authorization": "Bearer " + token}
        assert requests.get(console + "/api/v1/jobs", headers=auth, timeout=5).status_code == 200
        assert requests.post(console + "/api/v1/query", json={"query": "how many products"}, headers=auth,
                             timeout=30).status_code == 200
        r = requests.post(console + "/api/v1/jobs", json={}, headers=auth, timeout=5)
        assert r.status_code == 403, r.text
        # The console adds no credentials of its own.
        assert requests.get(console + "/api/v1/models", timeout=5).status_code == 401
    finally:
        assert running.stop() == 0


def test_bad_requests_through_the_console_get_clear_answers(up, console):
    from test_bad_input_corpus import BAD_BODIES, RAW_REQUESTS, check, parse_raw, raw_exchange
    session = requests.Session()
    cases = []
    for path in ("/%ZZ", "/%00", "/a%2f..%2f..%2fetc", "/" + "a" * 4000, "/api/v1/%FF%FE", "/..", "/js/../index.html",
                 "/api/v1/jobs/..", "/api/v1/jobs/%FF", "/api/v1/jobs/" + "9" * 300, "/api/v1/jobs?limit=-1",
                 "/api/v1/schema?database=%FF", "/api/v1/models/%FF", "/api/v1/model-versions?status=GONE",
                 "/api/v1/ml/%00", "/?" + "&".join(f"k{i}=v" for i in range(300)), "//api/v1/jobs"):
        cases.append(("GET", console + path, {}, None))
    for method in ("PATCH", "DELETE", "OPTIONS", "TRACE", "PUT"):
        cases.append((method, console + "/", {}, None))
    for url in (console + "/api/v1/query", console + "/api/v1/jobs", console + "/api/v1/predict"):
        cases += [("POST", url, {"Content-Type": "application/json"}, body) for body in BAD_BODIES
                  if len(body) < 1024 * 1024]
    for method, url, headers, body in cases:
        r = session.request(method, url, headers=headers, data=body, timeout=30)
        check((method, url[:120], (body or b"")[:80]), r.status_code, r.headers.get("Content-Type", ""), r.text)
    for data in RAW_REQUESTS:
        received = raw_exchange(console, data)
        if received:
            check((console, data[:60]), *parse_raw(received))
    assert up.proc.poll() is None
    assert requests.get(console + "/health", timeout=5).status_code == 200
