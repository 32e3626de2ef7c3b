#!/usr/bin/python3
"""Writes the starting seeds of each fuzz target's corpus (corpus/TARGET/seed-*). Run once when
a target is added; inputs that libFuzzer found and that reproduced a defect are kept beside
them as corpus/TARGET/finding-* and are never regenerated."""
import hashlib
import json
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def write(target, items):
    out = HERE / "corpus" / target
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("seed-*"):
        old.unlink()
    for item in items:
        data = item.encode() if isinstance(item, str) else item
        (out / ("seed-" + hashlib.sha1(data).hexdigest()[:12])).write_bytes(data)
    print(target, len(items))


def http_request():
    body = json.dumps({"model_name": "m", "dataset_location": "demo://iris"})
    return [
        "GET /health HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /jobs/abc?limit=10&status=RUNNING HTTP/1.1\r\nHost: x\r\nX-Request-Id: r-1\r\n\r\n",
        "GET /api/v1/jobs/a%20b?q=%E2%98%83+x&flag HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /jobs?q=%zz HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /jobs?q=%00 HTTP/1.1\r\nHost: x\r\n\r\n",
        f"POST /jobs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n{body}",
        "POST /jobs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        "5\r\n{\"a\":\r\n2\r\n1}\r\n0\r\n\r\n",
        "POST /jobs HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n{}",
        "POST /jobs HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n[[[[[",
        "POST /jobs HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n1e999",
        "PUT /registered-models/m/versions/1/artifact HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
        "Content-Length: 3\r\n\r\nabc",
        "DELETE /api/v1/registered-models/m/aliases/prod/ HTTP/1.1\r\nAuthorization: Bearer t\r\n\r\n",
        "PATCH /jobs HTTP/1.1\r\n\r\n",
        "GET /jobs HTTP/1.0\r\n\r\nGET /health HTTP/1.1\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
        "GET /\x00 HTTP/1.1\r\n\r\n",
        "GET /jobs/%2e%2e%2f%2e%2e HTTP/1.1\r\nHost: x\r\n\r\n",
    ]


def json_body():
    return [
        json.dumps({"model_name": "m", "dataset_location": "demo://iris", "cpu_request": 0.5, "target": "species",
                    "task": "classification", "algorithm": "xgboost", "params": {"max_depth": 3, "eta": 0.3},
                    "priority": 5, "max_retries": 1, "timeout_s": 60}),
        json.dumps({"model_name": "m", "dataset_location": "s3://b/k.csv", "unknown": 1}),
        json.dumps({"model_name": "", "dataset_location": 5}),
        json.dumps({"job_id": "j1", "attempt": 1, "model_name": "m", "dataset_location": "demo://iris",
                    "target": "species", "params": {}, "cpu_request": 2, "timeout_s": 10}),
        json.dumps({"job_id": "j1", "attempt": 2, "type": "succeeded", "progress": 1.0, "model_version": 3,
                    "metrics": {"accuracy": 0.9}, "retryable": False}),
        json.dumps({"job_id": "j1", "attempt": 1, "type": "failed", "error": "s3 down", "retryable": True}),
        json.dumps({"model": "m", "alias": "production", "instances": [{"a": 1, "b": "x", "c": None}]}),
        "[" * 70 + "]" * 70,
        '{"a": 1e999}',
        '{"a": -1e-999, "b": 18446744073709551616, "c": -9223372036854775809}',
        '"\\ud83d\\ude00 \\u0000 \\ud800"',
        '{"a": "\\"[[[[", "b": [1, 2, {"c": []}]}',
        "{\"a\": 1,}",
        "\ufeff{}",
        "nul",
        "",
    ]


def csv_reader():
    rows = ["sepal_length,sepal_width,species"] + [f"{5 + i * 0.1:.1f},{3 - i * 0.05:.2f},{['a', 'b', 'c'][i % 3]}"
                                                     for i in range(20)]
    samples = [
        "\n".join(rows) + "\n",
        "a,b\r\n1,2\r\n3,4",
        "\ufeffname,city\n\"Smith, J\",\"Zürich\"\n\"O\"\"Brien\",\"multi\nline\"\n",
        "x,y\n1,NA\n?,2\nNaN,null\n,None\n",
        "x,y\n1,2,3\n",
        "x,x\n1,2\n",
        ",y\n1,2\n",
        "x\n\"open\n",
        "x\nab\"c\n",
        "x\n\"a\"b\n",
        "x,y\n1e999,2\n-0,0x10\n inf , nan \n",
        "x\r\r\n1\r2\r",
        "only_header\n",
    ]
    return [bytes([i % 16]) + s.encode() for i, s in enumerate(samples)]


def xgboost_model():
    import numpy as np
    import xgboost as xgb
    rng = np.random.default_rng(7)
    x = rng.random((60, 3))
    models = []
    for objective, y, extra in [("reg:squarederror", x[:, 0] * 3, {}),
                                ("binary:logistic", (x[:, 0] > 0.5).astype(int), {}),
                                ("multi:softprob", (x[:, 0] * 3).astype(int), {"num_class": 3})]:
        booster = xgb.train({"objective": objective, "max_depth": 2, "eta": 0.5, **extra},
                            xgb.DMatrix(x, label=y), num_boost_round=2)
        raw = bytes(booster.save_raw("json"))
        doc = json.loads(raw)
        models.append(json.dumps(doc, separators=(",", ":")))
    # Tampered copies of the regression model: out-of-range child, cycle, feature past the end.
    for key, index, value in [("left_children", 0, 999), ("left_children", 1, 0), ("split_indices", 0, 7)]:
        bad = json.loads(models[0])
        bad["learner"]["gradient_booster"]["model"]["trees"][0][key][index] = value
        models.append(json.dumps(bad, separators=(",", ":")))
    return models


def nl2sql():
    questions = []
    for f in sorted((ROOT / "tests/nl2sql/questions").glob("*.jsonl")):
        if f.name != "demo.jsonl":
            continue
        for line in f.read_text().splitlines():
            if line.strip():
                questions.append(json.loads(line)["question"])
    questions += [
        "SELECT name FROM customers WHERE country = 'Germany'",
        "select * from orders where 1=1 union select sql, 1, 1, 1, 1 from sqlite_schema",
        "WITH x AS (DELETE FROM orders RETURNING *) SELECT * FROM x",
        "SELECT length(printf('%.*c', 1000000000, 'x'))",
        "SELECT pg_sleep(10)",
        "SELECT * FROM customers FOR UPDATE",
        "'; DROP TABLE customers; --",
        "customers named \"Robert'); DROP TABLE customers;--\"",
        "how many customers are in Zürich ☃ 🚀",
        "top 5 products by revenue last month",
        "\x01\x02\x03",
        "?",
    ]
    return questions


TARGETS = {"http_request": http_request, "json_body": json_body, "csv_reader": csv_reader,
           "xgboost_model": xgboost_model, "nl2sql": nl2sql}

if __name__ == "__main__":
    for name in sys.argv[1:] or TARGETS:
        write(name, TARGETS[name]())
