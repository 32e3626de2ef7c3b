"""Issue 16's defects, each reproduced against `chatdb up`: deep JSON, number overflow, tampered
XGBoost artifacts, pasted SQL that exhausts memory or starves /parse, /predict memory, and an
upload refused before its body is read."""
import concurrent.futures
import json
import re
import socket
import time
import uuid

import pytest
import requests

DEEP = "[" * 70000 + "]" * 70000
CUSTOMER = {"tenure_months": 2, "monthly_charges": 99.5, "contract": "month-to-month",
            "payment_method": "electronic check", "internet_service": "fiber", "support_calls": 5,
            "senior_citizen": 1, "total_charges": None}


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def json_endpoints(up):
    """(url, body template) of a JSON endpoint of every service that takes one; VALUE is replaced."""
    name = unique("robust")
    return [
        (up.urls["training-orchestrator"] + "/jobs",
         '{"model_name": "m", "dataset_location": "file://demo/churn.csv", "cpu_request": 1, "params": VALUE}'),
        (up.urls["query-parser"] + "/parse", '{"query": "how many customers", "database": VALUE}'),
        (up.urls["query-parser"] + "/query", '{"query": VALUE}'),
        (up.urls["ml-engine"] + "/predict", '{"model": "m", "instances": VALUE}'),
        (up.urls["model-registry"] + f"/registered-models/{name}/versions", '{"metadata": {"x": VALUE}}'),
        (up.urls["model-registry"] + "/registered-models", '{"name": "n", "tags": VALUE}'),
    ]


def post_raw(url, text):
    return requests.post(url, data=text.encode(), headers={"Content-Type": "application/json"}, timeout=30)


def assert_alive(up):
    for name, url in up.urls.items():
        assert requests.get(url + "/health", timeout=5).status_code == 200, name
    assert up.proc.poll() is None


def rss(url):
    text = requests.get(url + "/metrics", timeout=5).text
    return float(re.search(r"^process_resident_memory_bytes (\S+)$", text, re.M).group(1))


def test_deeply_nested_json_is_a_400_naming_the_limit_everywhere(up):
    for url, body in json_endpoints(up):
        # The query parser takes bodies up to 64 KiB: as deep as fits.
        deep = DEEP if "/parse" not in url and "/query" not in url else "[" * 32000 + "]" * 32000
        r = post_raw(url, body.replace("VALUE", deep))
        assert r.status_code == 400, (url, r.status_code, r.text[:300])
        assert r.headers["Content-Type"] == "application/problem+json"
        assert "nested deeper than the limit of 64" in r.json()["detail"], r.text
    assert_alive(up)
    # Listings still work: nothing deep was stored.
    assert requests.get(up.urls["model-registry"] + "/registered-models", timeout=10).status_code == 200


def test_number_overflow_is_a_400_everywhere(up):
    for url, body in json_endpoints(up):
        r = post_raw(url, body.replace("VALUE", "1e999"))
        assert r.status_code == 400, (url, r.status_code, r.text[:300])
        detail = r.json()["detail"]
        assert "out of range" in detail and "json.exception" not in detail, detail
    assert_alive(up)


def train(up, model, dataset="file://demo/churn.csv", rounds=3):
    r = requests.post(up.urls["training-orchestrator"] + "/jobs", timeout=10,
                      json={"model_name": model, "dataset_location": dataset, "cpu_request": 1,
                            "params": {"num_rounds": rounds, "max_depth": 3}})
    assert r.status_code == 202, r.text
    deadline = time.time() + 120
    while time.time() < deadline:
        job = requests.get(up.urls["training-orchestrator"] + "/jobs/" + r.json()["id"], timeout=10).json()
        if job["status"] in ("succeeded", "failed", "cancelled"):
            assert job["status"] == "succeeded", job
            return job
        time.sleep(0.2)
    raise AssertionError("training did not finish")


@pytest.fixture(scope="module")
def churn(up):
    """A small trained churn model: its name, metadata and artifact."""
    model = unique("churn")
    train(up, model)
    registry = up.urls["model-registry"]
    version = requests.get(registry + f"/registered-models/{model}/versions/1", timeout=10).json()
    artifact = requests.get(registry + f"/registered-models/{model}/versions/1/artifact", timeout=10).json()
    return model, version["metadata"], artifact


def tampered(artifact, change):
    doc = json.loads(json.dumps(artifact))
    change(doc["learner"]["gradient_booster"]["model"]["trees"][0])
    return json.dumps(doc).encode()


def out_of_range(tree):
    tree["left_children"][0] = 10 ** 6


def cycle(tree):
    child = tree["left_children"][0]
    tree["left_children"][child] = child
    tree["right_children"][child] = child


def unknown_feature(tree):
    tree["split_indices"][0] = 10 ** 4


@pytest.mark.parametrize("change,message", [(out_of_range, "out of range"), (cycle, "reached twice"),
                                            (unknown_feature, "splits on feature 10000")])
def test_a_tampered_xgboost_artifact_is_refused_at_upload_with_422(up, churn, change, message):
    model, metadata, artifact = churn
    registry = up.urls["model-registry"]
    v = requests.post(registry + f"/registered-models/{model}/versions", json={"metadata": metadata}, timeout=10).json()
    url = registry + f"/registered-models/{model}/versions/{v['version']}/artifact"
    r = requests.put(url, data=tampered(artifact, change), timeout=30)
    assert r.status_code == 422, r.text
    assert r.headers["Content-Type"] == "application/problem+json"
    assert message in r.json()["detail"] and "not a valid XGBoost model" in r.json()["detail"]
    # The version stays PENDING; the untouched artifact is accepted and predicts.
    assert requests.put(url, data=json.dumps(artifact).encode(), timeout=30).status_code == 200
    p = requests.post(up.urls["ml-engine"] + "/predict", json={"model": model, "version": v["version"], "instances": [CUSTOMER]},
                      timeout=30)
    assert p.status_code == 200, p.text
    assert_alive(up)


def test_an_upload_to_a_ready_version_is_refused_before_its_body_is_read(up, churn):
    model = churn[0]
    registry = up.urls["model-registry"]
    host, port = registry.split("//")[1].split(":")
    before = rss(registry)
    with socket.create_connection((host, int(port)), timeout=10) as s:
        # 150 MB declared; not one byte of it sent: the 409 must come anyway.
        s.sendall((f"PUT /registered-models/{model}/versions/1/artifact HTTP/1.1\r\nHost: x\r\n"
                   f"Content-Type: application/octet-stream\r\nContent-Length: {150 * 1024 * 1024}\r\n\r\n").encode())
        answer = s.recv(65536).decode(errors="replace")
    assert answer.startswith("HTTP/1.1 409"), answer
    assert "READY" in answer
    assert rss(registry) - before < 20e6


def test_pasted_sql_cannot_take_a_gigabyte(up):
    qp = up.urls["query-parser"]
    before = rss(qp)
    sql = "SELECT length(printf('%.*c', 1000000000, 'x')) AS n FROM customers LIMIT 1"
    r = requests.post(qp + "/query", json={"query": sql}, timeout=60)
    # SQLite gives up at the 1 MiB value limit: the value is NULL (or the query refused).
    assert r.status_code == 200 and r.json()["rows"] == [[None]] or r.status_code == 400, r.text
    assert rss(qp) - before < 100e6
    assert_alive(up)


def test_executing_queries_are_bounded_and_do_not_starve_parse(up):
    qp = up.urls["query-parser"]
    slow = {"query": "SELECT count(*) FROM order_items a, order_items b, order_items c"}
    with concurrent.futures.ThreadPoolExecutor(12) as pool:
        queries = [pool.submit(requests.post, qp + "/query", json=slow, timeout=60) for _ in range(10)]
        time.sleep(0.5)
        started = time.time()
        parsed = requests.post(qp + "/parse", json={"query": "how many customers are in Germany"}, timeout=30)
        parse_seconds = time.time() - started
        statuses = sorted(f.result().status_code for f in queries)
    assert parsed.status_code == 200, parsed.text
    assert parse_seconds < 1.0, parse_seconds
    # At most four run at once; the rest are told to come back (503 with Retry-After), and the
    # ones that ran hit their deadline.
    assert statuses.count(503) >= 6, statuses
    assert set(statuses) <= {503, 504}, statuses


def test_predict_memory_returns_after_large_requests(up, churn):
    model = churn[0]
    ml = up.urls["ml-engine"]
    body = json.dumps({"model": model, "instances": [CUSTOMER] * 100000}).encode()
    r = requests.post(ml + "/predict", data=body, headers={"Content-Type": "application/json"}, timeout=120)
    assert r.status_code == 200, r.text[:300]
    settled = rss(ml)
    for _ in range(4):
        r = requests.post(ml + "/predict", data=body, headers={"Content-Type": "application/json"}, timeout=120)
        assert r.status_code == 200
    grown = rss(ml) - settled
    print(f"predict: {len(body) / 1e6:.1f} MB bodies; RSS after the first {settled / 1e6:.0f} MB, "
          f"growth over four more {grown / 1e6:.0f} MB")
    assert grown < 100e6, grown
