"""model-registry over HTTP against `chatdb up`: models, versions, artifacts verified by
digest, aliases, tags, search, deletion with garbage collection, bad input and 404s."""
import concurrent.futures
import hashlib
import os
import time
import uuid

import pytest
import requests

from conftest import free_ports


def base(up, prefix="/api/v1"):
    return up.urls["model-registry"] + prefix


def fresh(stem="m"):
    return f"{stem}-{uuid.uuid4().hex[:10]}"


def register(up, name, job_id=None, metadata=None):
    # Not an algorithm the engine serves: these tests upload arbitrary bytes, which the registry
    # would refuse (422) as an XGBoost or linear model.
    body = {"metadata": metadata if metadata is not None else {"algorithm": "opaque-test-bytes"}}
    if job_id is not None:
        body["job_id"] = job_id
    return requests.post(f"{base(up)}/registered-models/{name}/versions", json=body)


def upload(up, name, version, data):
    return requests.put(f"{base(up)}/registered-models/{name}/versions/{version}/artifact", data=data,
                        headers={"Content-Type": "application/octet-stream"})


def ready_version(up, name, data):
    r = register(up, name)
    assert r.status_code == 201, r.text
    version = r.json()["version"]
    u = upload(up, name, version, data)
    assert u.status_code == 200, u.text
    return version


def object_path(up, digest):
    # `chatdb up` keeps artifacts in CHATDB_DATA_DIR/artifacts (see conftest.base_env).
    return os.path.join(os.path.dirname(up.log_path), "data", "artifacts", "objects", "sha256", digest)


def assert_problem(r, status, needle=""):
    assert r.status_code == status, r.text
    assert r.headers["Content-Type"] == "application/problem+json"
    body = r.json()
    assert body["status"] == status and body["title"] and body["type"]
    assert needle in body["detail"], body["detail"]


def test_create_get_and_duplicate_model(up):
    name = fresh()
    r = requests.post(f"{base(up)}/registered-models",
                      json={"name": name, "description": "churn model", "tags": {"team": "risk"}})
    assert r.status_code == 201, r.text
    model = r.json()
    assert model["name"] == name and model["description"] == "churn model"
    assert model["tags"] == {"team": "risk"} and model["aliases"] == {} and model["latest_versions"] == []
    assert r.headers["Location"] == f"/api/v1/registered-models/{name}"
    assert requests.get(f"{base(up, '')}/registered-models/{name}").json()["name"] == name
    assert_problem(requests.post(f"{base(up)}/registered-models", json={"name": name}), 409, "already exists")


def test_upload_and_download_verify_the_digest(up):
    name = fresh()
    r = register(up, name, metadata={"features": ["a", "b"], "metrics": {"accuracy": 0.97}})
    assert r.status_code == 201, r.text
    v = r.json()
    assert v["version"] == 1 and v["status"] == "PENDING" and v["artifact_sha256"] is None
    assert r.headers["Location"] == f"/api/v1/registered-models/{name}/versions/1"
    assert v["metadata"] == {"features": ["a", "b"], "metrics": {"accuracy": 0.97}}

    data = os.urandom(3 * 1024 * 1024 + 17)  # over the 1 MiB default body limit
    digest = hashlib.sha256(data).hexdigest()
    u = upload(up, name, 1, data)
    assert u.status_code == 200, u.text
    assert u.json()["status"] == "READY"
    assert u.json()["artifact_sha256"] == digest and u.json()["artifact_size"] == len(data)

    for prefix in ("", "/api/v1"):
        d = requests.get(f"{base(up, prefix)}/registered-models/{name}/versions/1/artifact")
        assert d.status_code == 200
        assert d.headers["Content-Type"] == "application/octet-stream"
        assert d.headers["X-Artifact-Sha256"] == digest
        assert hashlib.sha256(d.content).hexdigest() == d.headers["X-Artifact-Sha256"]
        assert d.content == data
    got = requests.get(f"{base(up)}/registered-models/{name}/versions/1").json()
    assert got["status"] == "READY" and got["artifact_sha256"] == digest
    assert got["created_at"] <= got["updated_at"]


def test_versions_are_immutable_once_ready(up):
    name = fresh()
    ready_version(up, name, b"first")
    assert_problem(upload(up, name, 1, b"second"), 409, "immutable")
    assert_problem(requests.post(f"{base(up)}/registered-models/{name}/versions/1/fail", json={"message": "x"}), 409)
    assert requests.get(f"{base(up)}/registered-models/{name}/versions/1/artifact").content == b"first"

    register(up, name)
    failed = requests.post(f"{base(up)}/registered-models/{name}/versions/2/fail", json={"message": "diverged"})
    assert failed.status_code == 200 and failed.json()["status"] == "FAILED"
    assert failed.json()["status_message"] == "diverged"
    assert_problem(upload(up, name, 2, b"late"), 409)
    assert_problem(requests.get(f"{base(up)}/registered-models/{name}/versions/2/artifact"), 409, "diverged")


def test_a_job_registers_one_version(up):
    name = fresh()
    job = uuid.uuid4().hex
    first = register(up, name, job_id=job)
    assert first.status_code == 201 and first.json()["job_id"] == job
    again = register(up, name, job_id=job, metadata={"other": 1})
    assert again.status_code == 200
    assert again.json()["version"] == first.json()["version"]
    listed = requests.get(f"{base(up)}/registered-models/{name}/versions").json()["model_versions"]
    assert [v["version"] for v in listed] == [1]
    found = requests.get(f"{base(up)}/model-versions", params={"job_id": job}).json()["model_versions"]
    assert [(v["name"], v["version"]) for v in found] == [(name, 1)]
    assert_problem(register(up, fresh(), job_id=job), 409, "already registered")


def test_concurrent_registrations_are_numbered_without_gaps(up):
    name = fresh()
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: register(up, name), range(24)))
    assert all(r.status_code == 201 for r in results), [r.text for r in results if r.status_code != 201]
    assert sorted(r.json()["version"] for r in results) == list(range(1, 25))


def test_aliases_move_between_versions_and_latest_resolves(up):
    name = fresh()
    ready_version(up, name, b"one")
    ready_version(up, name, b"two")
    register(up, name)  # version 3 stays PENDING
    url = f"{base(up)}/registered-models/{name}/aliases/production"
    r = requests.put(url, json={"version": 1})
    assert r.status_code == 200 and r.json()["aliases"] == ["production"]
    assert requests.get(url).json()["version"] == 1
    assert requests.put(url, json={"version": 2}).status_code == 200
    assert requests.get(url).json()["version"] == 2
    assert requests.get(f"{base(up)}/registered-models/{name}").json()["aliases"] == {"production": 2}
    assert requests.get(f"{base(up)}/registered-models/{name}/versions/1").json()["aliases"] == []
    assert_problem(requests.put(url, json={"version": 3}), 409, "READY")
    assert_problem(requests.put(url, json={"version": 9}), 404)

    latest = requests.get(f"{base(up)}/registered-models/{name}/versions/latest")
    assert latest.status_code == 200 and latest.json()["version"] == 2
    art = requests.get(f"{base(up)}/registered-models/{name}/versions/latest/artifact")
    assert art.content == b"two" and art.headers["X-Artifact-Sha256"] == hashlib.sha256(b"two").hexdigest()

    assert requests.delete(url).status_code == 204
    assert_problem(requests.get(url), 404, "no alias 'production'")
    assert_problem(requests.delete(url), 404)


def test_tags_and_search(up):
    stem = uuid.uuid4().hex[:8]
    a, b, c = f"churn-{stem}-xgb", f"churn-{stem}-linear", f"fraud-{stem}"
    for name in (a, b, c):
        assert requests.post(f"{base(up)}/registered-models", json={"name": name}).status_code == 201
    assert requests.put(f"{base(up)}/registered-models/{a}/tags/team", json={"value": "risk"}).status_code == 200
    assert requests.put(f"{base(up)}/registered-models/{b}/tags/team", json={"value": "risk"}).status_code == 200
    assert requests.put(f"{base(up)}/registered-models/{c}/tags/team", json={"value": "payments"}).status_code == 200

    def search(**params):
        r = requests.get(f"{base(up)}/registered-models", params=params)
        assert r.status_code == 200, r.text
        return r.json()

    assert [m["name"] for m in search(name_contains=f"CHURN-{stem}")["registered_models"]] == sorted([a, b])
    assert [m["name"] for m in search(name_contains=stem, tag="team:payments")["registered_models"]] == [c]
    assert len(search(name_contains=stem, tag="team")["registered_models"]) == 3
    assert search(name_contains=stem, tag="team:nobody")["registered_models"] == []

    seen, token = [], None
    while True:
        page = search(name_contains=stem, max_results=1, **({"page_token": token} if token else {}))
        seen += [m["name"] for m in page["registered_models"]]
        token = page.get("next_page_token")
        if not token:
            break
    assert sorted(seen) == sorted([a, b, c]) and len(seen) == 3

    assert requests.delete(f"{base(up)}/registered-models/{c}/tags/team").status_code == 204
    assert requests.get(f"{base(up)}/registered-models/{c}").json()["tags"] == {}
    assert_problem(requests.delete(f"{base(up)}/registered-models/{c}/tags/team"), 404)

    register(up, a)
    vt = f"{base(up)}/registered-models/{a}/versions/1/tags/dataset"
    assert requests.put(vt, json={"value": "2024-05"}).status_code == 200
    assert requests.get(f"{base(up)}/registered-models/{a}/versions/1").json()["tags"] == {"dataset": "2024-05"}
    assert requests.delete(vt).status_code == 204
    assert_problem(requests.delete(vt), 404)


def test_version_search_across_models(up):
    a, b = fresh("a"), fresh("b")
    ready_version(up, a, b"x-" + a.encode())
    register(up, a)
    ready_version(up, b, b"y-" + b.encode())
    found = requests.get(f"{base(up)}/model-versions", params={"name": a, "status": "ready"}).json()["model_versions"]
    assert [(v["name"], v["version"], v["status"]) for v in found] == [(a, 1, "READY")]
    pending = requests.get(f"{base(up)}/model-versions", params={"name": a, "status": "PENDING"}).json()
    assert [v["version"] for v in pending["model_versions"]] == [2]


def test_deleting_versions_collects_unreferenced_artifacts(up):
    a, b = fresh("a"), fresh("b")
    data = os.urandom(4096)
    digest = hashlib.sha256(data).hexdigest()
    ready_version(up, a, data)
    ready_version(up, b, data)
    assert os.path.exists(object_path(up, digest))
    assert requests.put(f"{base(up)}/registered-models/{a}/aliases/production", json={"version": 1}).status_code == 200

    assert requests.delete(f"{base(up)}/registered-models/{a}/versions/1").status_code == 204
    assert os.path.exists(object_path(up, digest)), "still referenced by the other model"
    assert_problem(requests.get(f"{base(up)}/registered-models/{a}/versions/1"), 404)
    assert_problem(requests.get(f"{base(up)}/registered-models/{a}/aliases/production"), 404)
    assert requests.get(f"{base(up)}/registered-models/{b}/versions/1/artifact").content == data

    assert requests.delete(f"{base(up)}/registered-models/{b}/versions/1").status_code == 204
    assert not os.path.exists(object_path(up, digest))
    assert_problem(requests.delete(f"{base(up)}/registered-models/{b}/versions/1"), 404)
    # Numbers of deleted versions are not given out again.
    assert register(up, a).json()["version"] == 2


def test_deleting_a_model_removes_versions_and_artifacts(up):
    name = fresh()
    data = os.urandom(1000)
    ready_version(up, name, data)
    register(up, name)
    assert requests.delete(f"{base(up)}/registered-models/{name}").status_code == 204
    assert not os.path.exists(object_path(up, hashlib.sha256(data).hexdigest()))
    assert_problem(requests.get(f"{base(up)}/registered-models/{name}"), 404)
    assert_problem(requests.get(f"{base(up)}/registered-models/{name}/versions"), 404)
    assert_problem(requests.delete(f"{base(up)}/registered-models/{name}"), 404)


def test_a_corrupted_artifact_is_never_served(up):
    name = fresh()
    data = os.urandom(2048)
    ready_version(up, name, data)
    path = object_path(up, hashlib.sha256(data).hexdigest())
    with open(path, "r+b") as f:
        f.seek(100)
        f.write(bytes([data[100] ^ 0xFF]))
    r = requests.get(f"{base(up)}/registered-models/{name}/versions/1/artifact")
    assert_problem(r, 500, "artifact corrupted")
    assert "X-Artifact-Sha256" not in r.headers
    metrics = requests.get(f"{base(up, '')}/metrics").text
    assert "chatdb_registry_artifact_verify_failures_total " in metrics


@pytest.mark.parametrize("method,path,kwargs,status,needle", [
    ("POST", "/registered-models", {"data": "{not json", "headers": {"Content-Type": "application/json"}}, 400, "not valid JSON"),
    ("POST", "/registered-models", {"json": {"name": "ok", "colour": "red"}}, 400, "unknown field 'colour'"),
    ("POST", "/registered-models", {"json": {"name": 7}}, 400, "'name' must be a string"),
    ("POST", "/registered-models", {"json": {}}, 400, "missing field 'name'"),
    ("POST", "/registered-models", {"json": {"name": "bad name!"}}, 400, "model name 'bad name!' is invalid"),
    ("POST", "/registered-models", {"json": {"name": "x" * 129}}, 400, "is invalid"),
    ("POST", "/registered-models", {"json": {"name": "ok", "tags": {"k": 1}}}, 400, "string value"),
    ("POST", "/registered-models", {"json": {"name": "ok", "tags": []}}, 400, "'tags' must be an object"),
    ("POST", "/registered-models", {"data": "name=x", "headers": {"Content-Type": "text/plain"}}, 415, "JSON"),
    ("POST", "/registered-models/m/versions", {"json": {"metadata": []}}, 400, "'metadata' must be a JSON object"),
    ("POST", "/registered-models/m/versions", {"json": {}}, 400, "missing field 'metadata'"),
    ("POST", "/registered-models/m/versions", {"json": {"metadata": {}, "job_id": 5}}, 400, "'job_id' must be a string"),
    ("POST", "/registered-models/m/versions", {"json": {"metadata": {}, "job_id": ""}}, 400, "job_id"),
    ("POST", "/registered-models/b%20d/versions", {"json": {"metadata": {}}}, 400, "model name 'b d' is invalid"),
    ("GET", "/registered-models/m/versions/abc", {}, 400, "not a version number"),
    ("GET", "/registered-models/m/versions/0", {}, 400, "not a version number"),
    ("GET", "/registered-models/m/versions/-1/artifact", {}, 400, "not a version number"),
    ("PUT", "/registered-models/m/versions/1.5/artifact", {"data": b"x"}, 400, "not a version number"),
    ("DELETE", "/registered-models/m/versions/latest", {}, 400, "not a version number"),
    ("PUT", "/registered-models/m/aliases/prod", {"json": {"version": "1"}}, 400, "'version' must be a version number"),
    ("PUT", "/registered-models/m/aliases/prod", {"json": {"version": 1.0}}, 400, "'version' must be a version number"),
    ("PUT", "/registered-models/m/aliases/prod", {"json": {}}, 400, "missing field 'version'"),
    ("PUT", "/registered-models/m/aliases/latest", {"json": {"version": 1}}, 400, "reserved"),
    ("PUT", "/registered-models/m/aliases/a%2Fb", {"json": {"version": 1}}, 400, "alias 'a/b' is invalid"),
    ("PUT", "/registered-models/m/tags/k", {"json": {"value": 3}}, 400, "'value' must be a string"),
    ("PUT", "/registered-models/m/tags/k", {"json": {"value": "v", "x": 1}}, 400, "unknown field 'x'"),
    ("POST", "/registered-models/m/versions/1/fail", {"json": {}}, 400, "missing field 'message'"),
    ("GET", "/registered-models?max_results=0", {}, 400, "max_results"),
    ("GET", "/registered-models?max_results=1001", {}, 400, "at most 1000"),
    ("GET", "/registered-models?max_results=ten", {}, 400, "max_results"),
    ("GET", "/registered-models?colour=red", {}, 400, "unknown query parameter 'colour'"),
    ("GET", "/registered-models?page_token=zz", {}, 400, "page_token"),
    ("GET", "/registered-models?tag=bad%20key:v", {}, 400, "tag key"),
    ("GET", "/model-versions?status=DONE", {}, 400, "PENDING, READY or FAILED"),
    ("GET", "/model-versions?name=a%20b", {}, 400, "is invalid"),
])
def test_bad_input_is_400_with_a_clear_message(up, method, path, kwargs, status, needle):
    assert_problem(requests.request(method, base(up) + path, **kwargs), status, needle)


def test_an_empty_artifact_is_refused(up):
    name = fresh()
    register(up, name)
    assert_problem(upload(up, name, 1, b""), 400, "empty")
    assert requests.get(f"{base(up)}/registered-models/{name}/versions/1").json()["status"] == "PENDING"


@pytest.mark.parametrize("method,path,needle", [
    ("GET", "/registered-models/no-such-model", "registered model 'no-such-model' not found"),
    ("DELETE", "/registered-models/no-such-model", "not found"),
    ("GET", "/registered-models/no-such-model/versions", "not found"),
    ("GET", "/registered-models/no-such-model/versions/1", "not found"),
    ("GET", "/registered-models/no-such-model/versions/latest", "not found"),
    ("GET", "/registered-models/no-such-model/versions/1/artifact", "not found"),
    ("PUT", "/registered-models/no-such-model/versions/1/artifact", "not found"),
    ("DELETE", "/registered-models/no-such-model/versions/1", "not found"),
    ("GET", "/registered-models/no-such-model/aliases/production", "not found"),
])
def test_unknown_things_are_404(up, method, path, needle):
    kwargs = {"data": b"bytes"} if method == "PUT" else {}
    assert_problem(requests.request(method, base(up) + path, **kwargs), 404, needle)


def test_unknown_version_of_a_known_model_is_404(up):
    name = fresh()
    register(up, name)
    assert_problem(requests.get(f"{base(up)}/registered-models/{name}/versions/2"), 404, "version 2")
    assert_problem(requests.get(f"{base(up)}/registered-models/{name}/versions/latest"), 404, "no READY version")
    assert_problem(requests.get(f"{base(up)}/registered-models/{name}/aliases/staging"), 404, "no alias 'staging'")


# The deployment documents' ingress sends /api/v1/models to the registry: every resource path
# under /registered-models is also served under /models, by the same handlers.
MODEL_PREFIXES = ("/registered-models", "/models", "/api/v1/registered-models", "/api/v1/models")


def answers(r, path):
    """What a client sees of an answer, without what differs per request (Date, X-Request-Id);
    a 405 names the requested path, which is compared as PATH (and the body, not its length)."""
    headers = {k.lower(): v for k, v in r.headers.items() if k.lower() not in ("date", "x-request-id", "content-length")}
    body = r.content.replace(path.split("?")[0].encode(), b"PATH") if r.status_code == 405 else r.content
    return r.status_code, headers, body


def assert_same_everywhere(up, method, path, **kwargs):
    """`path` starts with /registered-models; each prefix of MODEL_PREFIXES answers the same."""
    assert path.startswith("/registered-models")
    root = up.urls["model-registry"]
    paths = [prefix + path[len("/registered-models"):] for prefix in MODEL_PREFIXES]
    got = [answers(requests.request(method, root + p, **kwargs), p) for p in paths]
    for prefix, other in zip(MODEL_PREFIXES[1:], got[1:]):
        assert other == got[0], (prefix + path, other, got[0])
    return got[0]


def test_models_is_an_alias_of_registered_models(up):
    name = fresh("alias")
    root = up.urls["model-registry"]
    # Writes through the aliases, bare and under /api/v1.
    r = requests.post(f"{root}/api/v1/models", json={"name": name, "description": "via /models"})
    assert r.status_code == 201, r.text
    assert r.headers["Location"] == f"/api/v1/registered-models/{name}"
    r = requests.post(f"{root}/models/{name}/versions", json={"metadata": {"algorithm": "opaque-test-bytes"}, "job_id": name})
    assert r.status_code == 201 and r.json()["version"] == 1, r.text
    again = requests.post(f"{root}/api/v1/models/{name}/versions", json={"metadata": {"algorithm": "opaque-test-bytes"}, "job_id": name})
    assert again.status_code == 200 and again.json()["version"] == 1, again.text
    u = requests.put(f"{root}/api/v1/models/{name}/versions/1/artifact", data=b"alias bytes",
                     headers={"Content-Type": "application/octet-stream"})
    assert u.status_code == 200 and u.json()["status"] == "READY", u.text
    assert requests.put(f"{root}/models/{name}/aliases/production", json={"version": 1}).status_code == 200
    assert requests.put(f"{root}/api/v1/models/{name}/tags/team", json={"value": "risk"}).status_code == 200
    assert requests.put(f"{root}/models/{name}/versions/1/tags/k", json={"value": "v"}).status_code == 200
    register(up, name)  # version 2, PENDING
    assert requests.post(f"{root}/api/v1/models/{name}/versions/2/fail", json={"message": "no"}).json()["status"] == "FAILED"

    # Every read answers exactly like the original path: status, headers and bytes.
    for path in (f"/registered-models/{name}", f"/registered-models/{name}/versions",
                 f"/registered-models/{name}/versions/1", f"/registered-models/{name}/versions/latest",
                 f"/registered-models/{name}/aliases/production", f"/registered-models?name_contains={name}",
                 f"/registered-models?tag=team:risk&max_results=1000"):
        status, _, body = assert_same_everywhere(up, "GET", path)
        assert status == 200, (path, body)
    status, headers, body = assert_same_everywhere(up, "GET", f"/registered-models/{name}/versions/1/artifact")
    assert status == 200 and body == b"alias bytes"
    assert headers["x-artifact-sha256"] == hashlib.sha256(b"alias bytes").hexdigest()
    model = requests.get(f"{root}/api/v1/models/{name}").json()
    assert model["tags"] == {"team": "risk"} and model["aliases"] == {"production": 1}
    # Errors too: 404, 400, 405 and a refused upload (409 before the body is read).
    for method, path, kwargs in (("GET", "/registered-models/no-such-model", {}),
                                 ("GET", f"/registered-models/{name}/versions/9", {}),
                                 ("GET", f"/registered-models/{name}/versions/abc", {}),
                                 ("GET", "/registered-models?colour=red", {}),
                                 ("POST", "/registered-models", {"json": {"name": "bad name!"}}),
                                 ("PATCH", f"/registered-models/{name}", {}),
                                 ("PUT", f"/registered-models/{name}/versions/1/artifact", {"data": b"again"})):
        status, headers, body = assert_same_everywhere(up, method, path, **kwargs)
        assert status >= 400 and headers["content-type"] == "application/problem+json", (method, path, status)

    # Deletion through the alias.
    assert requests.delete(f"{root}/models/{name}/versions/1/tags/k").status_code == 204
    assert requests.delete(f"{root}/api/v1/models/{name}/aliases/production").status_code == 204
    assert requests.delete(f"{root}/api/v1/models/{name}/tags/team").status_code == 204
    assert requests.delete(f"{root}/models/{name}/versions/2").status_code == 204
    assert requests.delete(f"{root}/api/v1/models/{name}").status_code == 204
    assert_problem(requests.get(f"{root}/registered-models/{name}"), 404)
    # The service lists both spellings among its endpoints.
    endpoints = requests.get(root + "/").json()["endpoints"]
    assert "GET /models/{name}/versions/{version}/artifact" in endpoints
    assert "GET /registered-models/{name}/versions/{version}/artifact" in endpoints


def test_metrics_count_registrations_and_bytes(up):
    def value(text, series):
        for line in text.splitlines():
            if line.startswith(series + " "):
                return float(line.split()[-1])
        return 0.0

    before = requests.get(f"{base(up, '')}/metrics").text
    name = fresh()
    ready_version(up, name, b"12345")
    requests.get(f"{base(up)}/registered-models/{name}/versions/1/artifact")
    after = requests.get(f"{base(up, '')}/metrics").text
    assert value(after, "chatdb_registry_versions_registered_total") == value(before, "chatdb_registry_versions_registered_total") + 1
    for direction in ("upload", "download"):
        series = f'chatdb_registry_artifact_bytes_total{{direction="{direction}"}}'
        assert value(after, series) == value(before, series) + 5


def test_ready_checks_metadata_and_artifacts(up):
    body = requests.get(f"{base(up, '')}/ready").json()
    assert body["checks"]["metadata"]["ok"] and body["checks"]["artifacts"]["ok"]


def test_artifact_store_down_gives_503_with_retry_after(start):
    closed = free_ports(1)[0]
    running = start("model-registry", {"S3_ENDPOINT": f"http://127.0.0.1:{closed}", "S3_BUCKET": "models",
                                       "AWS_ACCESS_KEY_ID": "k", "AWS_SECRET_ACCESS_KEY": "s"})
    url = running.urls["model-registry"]
    for _ in range(200):
        try:
            if requests.get(url + "/health", timeout=1).status_code == 200:
                break
        except requests.ConnectionError:
            pass
        time.sleep(0.05)
    ready = requests.get(url + "/ready", timeout=30)
    assert ready.status_code == 503 and ready.headers["Retry-After"]
    assert ready.json()["checks"]["metadata"]["ok"] and not ready.json()["checks"]["artifacts"]["ok"]

    name = fresh()
    assert requests.post(f"{url}/registered-models/{name}/versions", json={"metadata": {}}).status_code == 201
    r = requests.put(f"{url}/registered-models/{name}/versions/1/artifact", data=b"model", timeout=60)
    assert_problem(r, 503)
    assert r.headers["Retry-After"]
    assert requests.get(f"{url}/registered-models/{name}/versions/1").json()["status"] == "PENDING"
