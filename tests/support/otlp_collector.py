"""A small OTLP/HTTP collector for tests: accepts POST /v1/traces in the JSON encoding on
127.0.0.1 and keeps every span with its resource's service.name."""
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class OtlpCollector:
    def __init__(self):
        self.spans = []  # dicts: the OTLP span plus "service"
        self.requests = 0
        self.lock = threading.Lock()
        collector = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.path != "/v1/traces" or "json" not in self.headers.get("Content-Type", ""):
                    self.send_response(404)
                    self.end_headers()
                    return
                doc = json.loads(body)
                with collector.lock:
                    collector.requests += 1
                    for rs in doc.get("resourceSpans", []):
                        attrs = {a["key"]: a["value"].get("stringValue") for a in rs["resource"]["attributes"]}
                        for ss in rs.get("scopeSpans", []):
                            for span in ss.get("spans", []):
                                collector.spans.append(dict(span, service=attrs.get("service.name")))
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def trace(self, trace_id):
        with self.lock:
            return [s for s in self.spans if s["traceId"] == trace_id]

    def wait_for(self, trace_id, predicate, timeout=30):
        """The spans of a trace once `predicate(spans)` holds; the last seen ones otherwise."""
        deadline = time.time() + timeout
        while True:
            spans = self.trace(trace_id)
            if predicate(spans) or time.time() > deadline:
                return spans
            time.sleep(0.1)

    def settled(self, trace_id, predicate, timeout=60):
        """The trace's spans once `predicate` holds and no new span came for a second."""
        spans = self.wait_for(trace_id, predicate, timeout)
        assert predicate(spans), sorted((s["service"], s["name"]) for s in spans)
        while True:
            time.sleep(1.0)
            again = self.trace(trace_id)
            if len(again) == len(spans):
                return again
            spans = again


def attribute(span, key):
    for a in span.get("attributes", []):
        if a["key"] == key:
            v = a["value"]
            return v.get("stringValue", v.get("intValue", v.get("doubleValue", v.get("boolValue"))))
    return None


def check_tree(spans, caller_span_id):
    """Every span's parent is in the trace except the roots', which is the caller's span.
    Returns the root spans."""
    ids = {s["spanId"] for s in spans}
    roots = [s for s in spans if s.get("parentSpanId") not in ids]
    for r in roots:
        assert r.get("parentSpanId") == caller_span_id, (r["name"], r["service"], r.get("parentSpanId"))
    return roots


SERVER, CLIENT, PRODUCER, CONSUMER = 2, 3, 4, 5
PHASES = {"load", "prepare", "train", "evaluate", "register", "upload"}


def job_trace_complete(spans):
    names = {s["name"] for s in spans}
    return PHASES <= names and "training_jobs process" in names and "job_events process" in names


def check_job_trace(spans, caller_span_id):
    """A training job's trace: one root (the orchestrator's POST /jobs, child of the caller's
    span), the outbox's publish on training_jobs consumed by ml-engine, the training phases, the
    registration answered by model-registry, the events back to the orchestrator."""
    services = {s["service"] for s in spans}
    assert {"training-orchestrator", "ml-engine", "model-registry"} <= services, services

    roots = check_tree(spans, caller_span_id)
    assert [(r["service"], r["name"], r["kind"]) for r in roots] == [("training-orchestrator", "POST /jobs", SERVER)]

    by_id = {s["spanId"]: s for s in spans}
    publish = [s for s in spans if s["name"] == "training_jobs publish"]
    assert len(publish) == 1 and publish[0]["kind"] == PRODUCER and publish[0]["service"] == "training-orchestrator"
    consume = [s for s in spans if s["name"] == "training_jobs process"]
    assert len(consume) == 1 and consume[0]["kind"] == CONSUMER and consume[0]["service"] == "ml-engine"
    assert consume[0]["parentSpanId"] == publish[0]["spanId"]
    # The outbox kept the submission's context: the publish descends from POST /jobs.
    ancestor = publish[0]
    while ancestor.get("parentSpanId") in by_id:
        ancestor = by_id[ancestor["parentSpanId"]]
    assert ancestor is roots[0]

    for phase in PHASES:
        [span] = [s for s in spans if s["name"] == phase]
        assert span["service"] == "ml-engine"
        assert "status" not in span, span
    # The engine's registration is a client span answered by the registry's server span.
    registered = [s for s in spans if s["service"] == "model-registry" and s["kind"] == SERVER
                  and s["name"] == "POST /registered-models/{name}/versions"]
    assert len(registered) == 1
    parent = by_id[registered[0]["parentSpanId"]]
    assert parent["kind"] == CLIENT and parent["service"] == "ml-engine"
    assert by_id[parent["parentSpanId"]]["name"] == "register"
    assert attribute(registered[0], "http.response.status_code") in ("200", "201")
    # The engine's events come back to the orchestrator in the same trace.
    events = [s for s in spans if s["name"] == "job_events process"]
    assert events and all(s["service"] == "training-orchestrator" for s in events)
    assert any(s["name"] == "metadata transaction" and s["service"] == "model-registry" for s in spans)
    return consume[0]
