"""Traces across the services and the bus, exported over OTLP/HTTP JSON to a small collector on
127.0.0.1 (tests/support/otlp_collector.py): a job submitted with a traceparent is one trace
through training-orchestrator, the bus, ml-engine and model-registry; /query and /predict
continue an incoming trace; a collector that is down costs only dropped (counted) spans."""
import json
import os
import sys
import time
import uuid

import pytest
import requests

from conftest import SERVICES, Running, base_env, free_ports

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from otlp_collector import (SERVER, OtlpCollector, attribute, check_job_trace, check_tree,  # noqa: E402
                            job_trace_complete)

def caller():
    """A caller's trace: (trace id, its span id, the traceparent header)."""
    trace, span = uuid.uuid4().hex, uuid.uuid4().hex[:16]
    return trace, span, f"00-{trace}-{span}-01"


def start_up(tmp_path, endpoint, extra=None):
    ports = dict(zip(SERVICES, free_ports(len(SERVICES))))
    env = base_env(tmp_path, ports)
    env.update({"OTEL_EXPORTER_OTLP_ENDPOINT": endpoint, "OTEL_BSP_SCHEDULE_DELAY": "100"})
    env.update(extra or {})
    running = Running(["up"], env, ports, str(tmp_path / "chatdb.log"))
    running.wait_ready()
    return running


@pytest.fixture(scope="module")
def traced(tmp_path_factory):
    collector = OtlpCollector()
    running = start_up(tmp_path_factory.mktemp("traced"), collector.endpoint)
    try:
        yield running, collector
    finally:
        code = running.stop()
        collector.stop()
        assert code == 0, f"chatdb up exited {code}"


@pytest.fixture(scope="module")
def traced_job(traced):
    running, collector = traced
    trace, span, header = caller()
    model = f"traced-{uuid.uuid4().hex[:8]}"
    r = requests.post(running.urls["training-orchestrator"] + "/jobs", headers={"traceparent": header},
                      json={"model_name": model, "dataset_location": "file://demo/churn.csv",
                            "params": {"num_rounds": 5}}, timeout=10)
    assert r.status_code == 202, r.text
    job_id = r.json()["id"]
    deadline = time.time() + 120
    while time.time() < deadline:
        job = requests.get(running.urls["training-orchestrator"] + "/jobs/" + job_id, timeout=10).json()
        if job["status"] in ("succeeded", "failed", "cancelled"):
            break
        time.sleep(0.1)
    assert job["status"] == "succeeded", job
    spans = collector.settled(trace, job_trace_complete)
    return {"trace": trace, "span": span, "model": model, "job": job, "spans": spans}


def test_a_job_is_one_trace_across_three_services_and_the_bus(traced_job):
    consumer = check_job_trace(traced_job["spans"], traced_job["span"])
    assert attribute(consumer, "messaging.system") == "chatdb"  # the in-process bus


def test_the_access_log_names_the_trace_and_span(traced, traced_job):
    running, _ = traced
    [root] = [s for s in traced_job["spans"] if s["name"] == "POST /jobs"]
    lines = [json.loads(line) for line in running.logs().splitlines() if line.startswith("{")]
    submitted = [x for x in lines if x.get("msg") == "request" and x.get("route") == "/jobs" and x.get("method") == "POST"
                 and x.get("trace_id") == traced_job["trace"]]
    assert len(submitted) == 1
    assert submitted[0]["span_id"] == root["spanId"]
    assert all(len(x.get("trace_id", "")) == 32 for x in lines if x.get("msg") == "request")


def test_query_continues_an_incoming_trace_without_the_question(traced):
    running, collector = traced
    trace, span, header = caller()
    question = "how many customers are there"
    r = requests.post(running.urls["query-parser"] + "/query", json={"query": question},
                      headers={"traceparent": header, "tracestate": "vendor=abc"}, timeout=30)
    assert r.status_code == 200, r.text
    spans = collector.settled(trace, lambda s: any(x["name"] == "query parse+execute" for x in s))
    [root] = check_tree(spans, span)
    assert (root["service"], root["name"]) == ("query-parser", "POST /query")
    assert root.get("traceState") == "vendor=abc"
    [work] = [s for s in spans if s["name"] == "query parse+execute"]
    assert work["parentSpanId"] == root["spanId"]
    assert attribute(work, "db.namespace") == "demo"
    assert attribute(work, "db.response.returned_rows") == str(len(r.json()["rows"]))
    text = json.dumps(spans)
    assert question not in text and "customers are" not in text


def test_predict_continues_an_incoming_trace(traced, traced_job):
    running, collector = traced
    trace, span, header = caller()
    instance = {"tenure_months": 2, "monthly_charges": 99.5, "contract": "month-to-month",
                "payment_method": "electronic check", "internet_service": "fiber", "support_calls": 5,
                "senior_citizen": 1, "total_charges": None}
    r = requests.post(running.urls["ml-engine"] + "/predict", headers={"traceparent": header},
                      json={"model": traced_job["model"], "instances": [instance, instance]}, timeout=30)
    assert r.status_code == 200, r.text
    spans = collector.settled(trace, lambda s: any(x["name"] == "predict" for x in s))
    [root] = check_tree(spans, span)
    assert (root["service"], root["name"]) == ("ml-engine", "POST /predict")
    [predict] = [s for s in spans if s["name"] == "predict"]
    assert attribute(predict, "chatdb.model") == traced_job["model"]
    assert attribute(predict, "chatdb.model.version") == "1"
    assert attribute(predict, "chatdb.rows") == "2"
    # The first prediction loads the model from the registry, inside the same trace.
    assert any(s["service"] == "model-registry" and s["kind"] == SERVER for s in spans)


def test_a_request_without_context_starts_a_trace_and_errors_mark_the_span(traced):
    running, collector = traced
    r = requests.get(running.urls["model-registry"] + "/registered-models/no-such-model", timeout=10)
    assert r.status_code == 404
    problem_type = r.json()["type"]
    r = requests.post(running.urls["ml-engine"] + "/predict", json={"model": "absent", "instances": [{}]}, timeout=10)
    assert r.status_code == 404

    def found():
        return [s for s in list(collector.spans) if s["name"] == "GET /registered-models/{name}"
                and attribute(s, "http.response.status_code") == "404"]
    deadline = time.time() + 10
    while not found() and time.time() < deadline:
        time.sleep(0.1)
    spans = found()
    assert spans
    assert attribute(spans[-1], "error.type") == problem_type
    assert "status" not in spans[-1]  # a 4xx is the client's error, not the server span's


def test_a_collector_that_is_down_costs_only_dropped_spans(tmp_path):
    closed = f"http://127.0.0.1:{free_ports(1)[0]}"
    running = start_up(tmp_path, closed, {"OTEL_BSP_SCHEDULE_DELAY": "50"})
    try:
        for _ in range(30):
            assert requests.get(running.urls["query-parser"] + "/health", timeout=5).status_code == 200
        r = requests.post(running.urls["query-parser"] + "/query", json={"query": "how many customers are there"},
                          timeout=30)
        assert r.status_code == 200

        def dropped():
            text = requests.get(running.urls["query-parser"] + "/metrics", timeout=5).text
            for line in text.splitlines():
                if line.startswith("chatdb_trace_spans_dropped_total "):
                    return float(line.split()[1])
            return None
        deadline = time.time() + 10
        while (dropped() or 0) < 31 and time.time() < deadline:
            time.sleep(0.1)
        assert dropped() >= 31  # the 30 health checks and the query, at least
        assert "tracing: spans dropped" in running.logs()
    finally:
        assert running.stop() == 0
