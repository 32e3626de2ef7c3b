"""One trace for a training job across the distributed services and a Kafka-protocol broker:
runs against scripts/local-cluster.sh (scripts/with-local-cluster.sh exports
CHATDB_CLUSTER_DIR), whose orchestrator, ml-engine, model-registry and query-parser it restarts
with OTEL_EXPORTER_OTLP_ENDPOINT pointing at a small collector on 127.0.0.1, and restores after."""
import os
import sys
import uuid

import pytest
import requests

from it_helpers import wait_for_job

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from local_cluster import LocalCluster  # noqa: E402
from otlp_collector import OtlpCollector, attribute, check_job_trace, check_tree, job_trace_complete  # noqa: E402

TRACED = ["training-orchestrator", "ml-engine", "model-registry", "query-parser"]

pytestmark = pytest.mark.skipif(not os.environ.get("CHATDB_CLUSTER_DIR"),
                                reason="restarts services of scripts/local-cluster.sh (run with with-local-cluster.sh)")


@pytest.fixture(scope="module")
def traced_cluster():
    cluster = LocalCluster(os.environ["CHATDB_CLUSTER_DIR"], int(os.environ["CHATDB_CLUSTER_PORT_BASE"]))
    cluster.env = cluster.read_env()
    collector = OtlpCollector()
    overrides = {"OTEL_EXPORTER_OTLP_ENDPOINT": collector.endpoint, "OTEL_BSP_SCHEDULE_DELAY": "100"}
    try:
        for s in TRACED:
            cluster.restart_service(s, overrides)
        for s in TRACED:
            assert cluster.wait_ready(s, 60) is not None, f"{s} not ready with tracing on"
        yield cluster, collector
    finally:
        for s in TRACED:
            cluster.restart_service(s)
        for s in TRACED:
            cluster.wait_ready(s, 60)
        collector.stop()


def test_a_job_is_one_trace_across_the_services_and_kafka(chatdb, traced_cluster):
    cluster, collector = traced_cluster
    trace, span = uuid.uuid4().hex, uuid.uuid4().hex[:16]
    r = requests.post(cluster.url("training-orchestrator") + "/jobs", headers={"traceparent": f"00-{trace}-{span}-01"},
                      json={"model_name": f"traced-{uuid.uuid4().hex[:8]}", "dataset_location": "file://demo/churn.csv",
                            "cpu_request": 1, "params": {"num_rounds": 5}}, timeout=10)
    assert r.status_code == 202, r.text
    job = wait_for_job(chatdb, r.json()["id"], timeout=180)
    assert job["status"] == "succeeded", job
    consumer = check_job_trace(collector.settled(trace, job_trace_complete, timeout=60), span)
    assert attribute(consumer, "messaging.system") == "kafka"


def test_query_continues_an_incoming_trace(chatdb, traced_cluster):
    cluster, collector = traced_cluster
    trace, span = uuid.uuid4().hex, uuid.uuid4().hex[:16]
    r = requests.post(cluster.url("query-parser") + "/query", json={"query": "how many customers are there"},
                      headers={"traceparent": f"00-{trace}-{span}-01"}, timeout=30)
    assert r.status_code in (200, 400), r.text  # the cluster's sources may not hold the demo
    spans = collector.settled(trace, lambda s: any(x["name"] == "query parse+execute" for x in s))
    [root] = check_tree(spans, span)
    assert (root["service"], root["name"]) == ("query-parser", "POST /query")
