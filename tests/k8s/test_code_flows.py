"""The flows the services need come from the code (src/main.cpp's make_service and the settings
it reads) and the rendered settings they point at, not from a hand-written list; every such
flow must be allowed by the rendered NetworkPolicies."""
import re

import pytest

import code_flows
import netpol
from manifests import find

ML, ORCH = "chatdb-services/ml-engine", "chatdb-services/training-orchestrator"


def refused(docs, source=None):
    flows, problems = code_flows.derived_flows(docs, source)
    ev = netpol.Evaluator(docs)
    eps = {e.id: e for e in netpol.endpoints(docs)}
    out = []
    for (src, dst, port), why in sorted(flows.items()):
        number, proto = port.split("/")
        target = next(p for p in eps[dst].ports if p.number == int(number) and p.protocol == proto)
        if not ev.allowed(eps[src], eps[dst], target):
            out.append(f"{src} -> {dst} {port} ({', '.join(why)}) is refused")
    return out + problems


def test_the_code_is_read():
    uses = code_flows.settings_by_service()
    assert set(uses) == {"training-orchestrator", "test-service", "query-parser", "ml-engine", "model-registry", "console"}
    # ml-engine asks the orchestrator about each job and registers models; the query parser
    # reaches its data sources (through make_query_engine -> make_catalog).
    assert {"TRAINING_ORCHESTRATOR_URL", "MODEL_REGISTRY_URL", "KAFKA_BOOTSTRAP_SERVERS"} <= uses["ml-engine"]
    assert "CHATDB_DATA_SOURCES" in uses["query-parser"]
    assert "DATABASE_URL" not in uses["test-service"]
    assert uses["console"] == set()  # behind the ingress it only serves its page


def test_the_flows_point_at_real_workloads(docs):
    flows, problems = code_flows.derived_flows(docs)
    assert problems == []
    assert (ML, ORCH, "8000/TCP") in flows
    assert flows[(ML, ORCH, "8000/TCP")] == ["TRAINING_ORCHESTRATOR_URL"]


def test_every_flow_of_the_code_is_allowed(docs):
    assert refused(docs) == []


def test_the_old_policies_refuse_ml_engine_to_the_orchestrator(docs):
    # The policies before the fix: no ingress to the orchestrator from ml-engine, no egress rule.
    docs.remove(find(docs, "NetworkPolicy", "training-orchestrator-from-ml-engine", "chatdb-services"))
    egress = find(docs, "NetworkPolicy", "ml-engine-egress", "chatdb-services")["spec"]["egress"]
    egress[:] = [r for r in egress if r["ports"][0]["port"] != 8000]
    assert refused(docs) == [f"{ML} -> {ORCH} 8000/TCP (TRAINING_ORCHESTRATOR_URL) is refused"]


def test_a_new_call_in_the_code_is_caught(docs):
    with open(code_flows.MAIN_CPP) as f:
        source = f.read()
    # ml-engine starts calling the query parser: no policy allows it.
    source, n = re.subn(r"(options\.registry_url = config\.model_registry_url;)",
                        r"\1\n    options.parser_url = config.query_parser_url;", source)
    assert n == 1
    assert refused(docs, source) == [
        f"{ML} -> chatdb-services/query-parser 8002/TCP (QUERY_PARSER_URL) is refused"]


def test_a_setting_the_pod_lacks_is_caught(docs):
    cm = next(d for d in docs if d["kind"] == "ConfigMap" and d["metadata"]["name"].startswith("chatdb-config"))
    del cm["data"]["MODEL_REGISTRY_URL"]
    problems = code_flows.derived_flows(docs)[1]
    assert "ml-engine uses MODEL_REGISTRY_URL, which its pod does not set" in problems


def test_a_url_to_no_service_is_caught(docs):
    cm = next(d for d in docs if d["kind"] == "ConfigMap" and d["metadata"]["name"].startswith("chatdb-config"))
    cm["data"]["TRAINING_ORCHESTRATOR_URL"] = "http://orchestrator.chatdb-services.svc:8000"
    problems = code_flows.derived_flows(docs)[1]
    assert any("orchestrator.chatdb-services.svc:8000, which is no Service port" in p for p in problems)


@pytest.mark.parametrize("variable,value,expected", [
    ("KAFKA_BOOTSTRAP_SERVERS", "kafka://a.x.svc:9093,b.x.svc", [("a.x.svc", 9093), ("b.x.svc", 9092)]),
    ("KAFKA_BOOTSTRAP_SERVERS", "local://", []),
    ("DATABASE_URL", "postgresql://u:p@postgres.chatdb-system.svc/db", [("postgres.chatdb-system.svc", 5432)]),
    ("DATABASE_URL", "sqlite:///var/lib/chatdb/chatdb.db", []),
    ("CHATDB_DATA_SOURCES", '{"a": "postgresql://h:5433/x", "b": {"url": "sqlite://f.db"}}', [("h", 5433)]),
])
def test_values_name_endpoints(variable, value, expected):
    assert code_flows.endpoints_of(variable, value) == expected


JAEGER = "chatdb-monitoring/jaeger"


def test_every_service_exports_spans_to_jaegers_otlp_http_port(docs):
    # The console gets no configuration in Kubernetes (console.yaml), so exports nothing there.
    uses = {s: v for s, v in code_flows.settings_by_service().items() if s != "console"}
    assert all("OTEL_EXPORTER_OTLP_ENDPOINT" in v for v in uses.values())
    flows, problems = code_flows.derived_flows(docs)
    assert problems == []
    to_jaeger = {(src, port) for src, dst, port in flows if dst == JAEGER}
    assert to_jaeger == {(f"chatdb-services/{s}", "4318/TCP") for s in uses}


def test_tracing_set_up_nowhere_needs_no_flow(docs):
    with open(code_flows.MAIN_CPP) as f:
        source = f.read()
    source, n = re.subn(r"tracing::TracingSetup tracing\(tracing::TracingConfig::from_environment\(\)\);", "", source)
    assert n == 1
    flows, _ = code_flows.derived_flows(docs, source)
    assert not any(dst == JAEGER for _, dst, _ in flows)


def test_the_otlp_grpc_port_is_not_what_the_policies_allow(docs):
    cm = next(d for d in docs if d["kind"] == "ConfigMap" and d["metadata"]["name"].startswith("chatdb-config"))
    cm["data"]["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://jaeger.chatdb-monitoring.svc:4317"
    assert "chatdb-services/ml-engine -> chatdb-monitoring/jaeger 4317/TCP (OTEL_EXPORTER_OTLP_ENDPOINT) is refused" in refused(docs)
