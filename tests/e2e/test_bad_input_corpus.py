"""A corpus of malformed and adversarial HTTP requests against all five services of `chatdb up`:
no request may crash the process, answer a 5xx (503, a dependency that is busy or down, is
allowed), or answer a 4xx that is not a problem+json with a clear detail free of internals."""
import json
import re
import socket
import uuid

import requests

DEEP = b"[" * 70000 + b"]" * 70000
JUST_TOO_DEEP = b"[" * 65 + b"]" * 65
# File paths, library and exception names: what a client must never read in a detail.
LEAK = re.compile(r"\.(cpp|cc|hpp)\b|\.so\b|/usr/|/home/|/tmp/|/work/|/build/|/proc/|nlohmann|json\.exception|"
                  r"std::|what\(\)|basic_string|terminate called|Stack trace|\[bt\]|parse_error|type_error|out_of_range")

# Bodies that are not usable JSON objects, for every endpoint that reads one.
BAD_BODIES = [
    b"", b"null", b"[]", b"12", b"true", b'"text"', b"{", b"}", b'{"a":}', b'{"a" 1}', b"{'a': 1}",
    b'{"a": 1}{"b": 2}', b'{"a": 1,}', b"\xff\xfe\x00{", b'{"x": "\xff\xfe"}', b'{"x": "\\ud800"}',
    b'{"x": 1e999}', b'{"x": -1e999}', b'{"x": NaN}', b'{"x": Infinity}', b'{"x": 0x10}', b'{"x": 01}',
    DEEP, JUST_TOO_DEEP, b'{"x": ' + b'{"y": ' * 70000 + b"1" + b"}" * 70001,
    b"\xef\xbb\xbf{}", b"{" + b'"k": 1, ' * 20000 + b'"z": 1}', b'{"' + b"k" * 100000 + b'": 1}',
]

# Values of the wrong type or out of range, put into each field of a valid-looking body.
BAD_VALUES = [None, 0, -1, 2 ** 70, 1.5, "", "x" * 20000, "../../etc/passwd", "\u0000", "\u202e\ud7ff",
              [], {}, [1, [2, [3]]], {"a": {"b": {}}}, True]


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def json_endpoints(up):
    """(method, url, a valid-looking body): none of them may start real work when accepted."""
    o, q, m, r = (up.urls[s] for s in ("training-orchestrator", "query-parser", "ml-engine", "model-registry"))
    name = unique("corpus")
    requests.post(r + f"/registered-models/{name}/versions", json={"metadata": {"algorithm": "opaque"}}, timeout=10)
    return [
        ("POST", o + "/jobs", {"model_name": "corpus", "dataset_location": "file://no/such.csv", "cpu_request": 1,
                               "params": {"num_rounds": 1}}),
        ("POST", q + "/parse", {"query": "how many customers", "database": "demo"}),
        ("POST", q + "/query", {"query": "how many customers are in Germany"}),
        ("POST", m + "/predict", {"model": "no-such-model", "version": 1, "instances": [{"a": 1}]}),
        ("POST", r + "/registered-models", {"name": unique("c"), "description": "d", "tags": {"k": "v"}}),
        ("POST", r + f"/registered-models/{name}/versions", {"metadata": {"algorithm": "opaque"}, "job_id": "j"}),
        ("PUT", r + f"/registered-models/{name}/aliases/prod", {"version": 99}),
        ("PUT", r + f"/registered-models/{name}/tags/team", {"value": "risk"}),
        ("POST", r + f"/registered-models/{name}/versions/99/fail", {"message": "m"}),
    ]


def body_cases(up):
    for method, url, body in json_endpoints(up):
        for raw in BAD_BODIES:
            yield method, url, {"Content-Type": "application/json"}, raw
        for field in body:
            for value in BAD_VALUES:
                changed = dict(body, **{field: value})
                yield method, url, {"Content-Type": "application/json"}, json.dumps(changed).encode()
        yield method, url, {"Content-Type": "application/json"}, json.dumps(dict(body, unknown_field=1)).encode()
        yield method, url, {"Content-Type": "text/plain"}, json.dumps(body).encode()
        yield method, url, {"Content-Type": "multipart/form-data; boundary=x"}, b"--x\r\n\r\n--x--"


def path_cases(up):
    o, t, q, m, r = (up.urls[s] for s in ("training-orchestrator", "test-service", "query-parser", "ml-engine",
                                          "model-registry"))
    plain = {}
    for base in (o, t, q, m, r):
        for path in ("/%ZZ", "/%00", "/a%2f..%2f..%2fetc", "/" + "a" * 4000, "/api/v1/%FF%FE", "/..", "/./health/",
                     "/health?x=%", "/health?%00=1", "/?" + "&".join(f"k{i}=v" for i in range(300)),
                     "//health", "/api/v2/health", "/metrics/extra"):
            yield "GET", base + path, plain, None
        for method in ("PATCH", "DELETE", "OPTIONS", "TRACE", "PUT"):
            yield method, base + "/health", plain, None
    for path in ("/jobs/..", "/jobs/%FF", "/jobs/" + "9" * 300, "/jobs?limit=-1", "/jobs?limit=99999999999999999999999",
                 "/jobs?status=%FF", "/jobs?page_token=%00", "/jobs?page_token=zzz", "/jobs?model=" + "m" * 5000,
                 "/jobs/x/cancel"):
        yield ("POST" if path.endswith("cancel") else "GET"), o + path, plain, None
    for path in ("/schema?database=%FF", "/schema?database=nope", "/schema?database=demo&refresh=maybe",
                 "/databases?x=1", "/schema?database=" + "d" * 5000):
        yield "GET", q + path, plain, None
    for path in ("/registered-models?max_results=0", "/registered-models?max_results=-5",
                 "/registered-models?max_results=1e999", "/registered-models?max_results=99999999999999999999",
                 "/registered-models?page_token=%FF%FF", "/registered-models?tag=%FF:x", "/registered-models?nope=1",
                 "/registered-models/%FF", "/registered-models/..", "/registered-models/" + "n" * 300,
                 "/registered-models/x/versions/0", "/registered-models/x/versions/-1",
                 "/registered-models/x/versions/99999999999999999999", "/registered-models/x/versions/latest/artifact",
                 "/registered-models/x/aliases/%FF", "/model-versions?status=GONE", "/model-versions?job_id=",
                 "/model-versions?name=%00"):
        yield "GET", r + path, plain, None
    for path in ("/registered-models/x/versions/abc/artifact", "/registered-models/%FF/versions/1/artifact",
                 "/registered-models/x/versions/1/artifact"):
        yield "PUT", r + path, {"Content-Type": "application/octet-stream"}, b""
    for path in ("/registered-models/%FF", "/registered-models/x/versions/0", "/registered-models/x/aliases/latest",
                 "/registered-models/x/tags/%FF"):
        yield "DELETE", r + path, plain, None


RAW_REQUESTS = [
    b"BLAH\r\n\r\n",
    b"GET\r\n\r\n",
    b"GET / HTTP/9.9\r\nHost: x\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 9000 + b"\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\nX-Nul: a\x00b\r\n\r\n",
    b"POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
    b"POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n",
    b"POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
    b"POST /health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n\r\n",
    b"POST /health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n",
    b"POST /health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n",
    b"GET /health?" + b"q" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET http://evil/health HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET * HTTP/1.1\r\nHost: x\r\n\r\n",
    b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 64,
]


def check(case, status, content_type, body):
    assert status < 500 or status == 503, (case, status, body[:300])
    if 400 <= status < 500:
        assert content_type.startswith("application/problem+json"), (case, status, content_type)
        detail = json.loads(body)["detail"]
        assert isinstance(detail, str) and detail.strip(), (case, body[:300])
        assert not LEAK.search(detail), (case, detail[:500])


def raw_exchange(url, data):
    host, port = url.split("//")[1].split(":")
    with socket.create_connection((host, int(port)), timeout=10) as s:
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        received = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            received += chunk
    return received


def parse_raw(received):
    head, _, body = received.partition(b"\r\n\r\n")
    lines = head.decode(errors="replace").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return status, headers.get("content-type", ""), body[:int(headers.get("content-length", len(body)))].decode(errors="replace")


def test_no_bad_request_crashes_or_leaks(up):
    cases = list(body_cases(up)) + list(path_cases(up))
    session = requests.Session()
    for method, url, headers, body in cases:
        r = session.request(method, url, headers=headers, data=body, timeout=30)
        check((method, url[:120], (body or b"")[:80]), r.status_code, r.headers.get("Content-Type", ""), r.text)
    raw = 0
    for url in up.urls.values():
        for data in RAW_REQUESTS:
            received = raw_exchange(url, data)
            raw += 1
            if received:  # a connection the server closes without an answer is not a crash
                check((url, data[:60]), *parse_raw(received))
    print(f"{len(cases) + raw} bad requests")
    assert len(cases) + raw >= 300
    assert up.proc.poll() is None
    for name, url in up.urls.items():
        assert requests.get(url + "/health", timeout=5).status_code == 200, name
