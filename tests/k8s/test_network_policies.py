"""The network policies allow exactly the required flows, plus DNS and the ingress controller:
every required flow is allowed, and every other pod-to-pod connection between the deployment's
workloads (and to/from cluster DNS and the ingress controller) is refused. The flows of the five
services come from their code (code_flows.py); the others (setup Jobs, monitoring, logging,
testing, the ingress to the web console, which itself calls nothing) are listed here."""
import code_flows
import netpol
from manifests import find, of_kind

SERVICES = ["training-orchestrator", "test-service", "query-parser", "ml-engine", "model-registry"]
PORTS = {"training-orchestrator": 8000, "test-service": 8001, "query-parser": 8002, "ml-engine": 8003,
         "model-registry": 8004}
POSTGRES, KAFKA, MINIO = ("chatdb-system/postgres", 5432), ("chatdb-system/kafka", 9092), ("chatdb-system/minio", 9000)


def svc(name):
    return f"chatdb-services/{name}", PORTS[name]


# Who else may open a connection to whom: the setup Jobs, the monitoring and logging stacks,
# and the testing namespace (the services' own calls are derived from the code).
REQUIRED = {
    "chatdb-monitoring/prometheus": [svc(s) for s in SERVICES],
    "ingress-nginx/ingress-nginx-controller": [svc(s) for s in SERVICES] + [("chatdb-services/console", 8080)],
    "chatdb-testing/integration-tests": [svc(s) for s in SERVICES] + [KAFKA],
    "chatdb-testing/load-test": [svc(s) for s in SERVICES] + [KAFKA],
    "chatdb-testing/locust-master": [svc(s) for s in SERVICES] + [KAFKA],
    "chatdb-testing/locust-worker": [svc(s) for s in SERVICES] + [KAFKA, ("chatdb-testing/locust-master", 5557)],
    "chatdb-system/postgres-init": [POSTGRES],
    "chatdb-system/demo-db-init": [POSTGRES],
    "chatdb-system/kafka-topics": [KAFKA],
    "chatdb-system/minio-bucket": [MINIO],
    "chatdb-monitoring/grafana": [("chatdb-monitoring/prometheus", 9090)],
    "chatdb-logging/kibana": [("chatdb-logging/elasticsearch", 9200)],
    "chatdb-logging/fluent-bit": [("chatdb-logging/elasticsearch", 9200)],
}

EXTERNAL = {e.id for e in netpol.EXTERNAL}


def expected_flows(docs):
    flows = {(src, dst, f"{port}/TCP") for src, dsts in REQUIRED.items() for dst, port in dsts}
    flows |= set(code_flows.derived_flows(docs)[0])
    for e in netpol.endpoints(docs):  # every workload of the deployment resolves names
        if e.id not in EXTERNAL:
            flows |= {(e.id, "kube-system/kube-dns", "53/UDP"), (e.id, "kube-system/kube-dns", "53/TCP")}
    return flows


def flow_problems(docs):
    # Connections between two pods outside the deployment are not ours to police.
    allowed = {f for f in netpol.allowed_flows(docs) if not (f[0] in EXTERNAL and f[1] in EXTERNAL)}
    expected = expected_flows(docs)
    return ([f"required flow refused: {f}" for f in sorted(expected - allowed)]
            + [f"flow allowed that the design does not need: {f}" for f in sorted(allowed - expected)])


def test_policies_allow_exactly_the_required_flows(docs):
    assert flow_problems(docs) == []


def test_every_endpoint_of_the_expectation_exists(docs):
    ids = {e.id for e in netpol.endpoints(docs)}
    named = set(REQUIRED) | {d for dsts in REQUIRED.values() for d, _ in dsts}
    assert named <= ids, named - ids


def default_denied(docs):
    return {p["metadata"]["namespace"] for p in of_kind(docs, "NetworkPolicy")
            if p["spec"].get("podSelector") == {} and set(p["spec"].get("policyTypes", [])) == {"Ingress", "Egress"}
            and not p["spec"].get("ingress") and not p["spec"].get("egress")}


def test_every_namespace_denies_by_default(docs):
    assert {n["metadata"]["name"] for n in of_kind(docs, "Namespace")} == default_denied(docs)


def test_missing_default_deny_is_caught(docs):
    docs.remove(find(docs, "NetworkPolicy", "default-deny-all", "chatdb-monitoring"))
    assert "chatdb-monitoring" not in default_denied(docs)
    # Grafana, which no ingress rule names, is then open to every pod; Jaeger's ingress rule
    # (OTLP/HTTP from the services) still closes its UI port.
    problems = flow_problems(docs)
    assert ("flow allowed that the design does not need: "
            "('chatdb-services/test-service', 'chatdb-monitoring/grafana', '3000/TCP')") not in problems  # egress still closed
    assert ("flow allowed that the design does not need: "
            "('ingress-nginx/ingress-nginx-controller', 'chatdb-monitoring/grafana', '3000/TCP')") in problems
    assert not any("'chatdb-monitoring/jaeger', '16686/TCP'" in p for p in problems)


def test_a_removed_allow_rule_refuses_a_required_flow(docs):
    docs.remove(find(docs, "NetworkPolicy", "model-registry-from-ml-engine", "chatdb-services"))
    assert flow_problems(docs) == [
        "required flow refused: ('chatdb-services/ml-engine', 'chatdb-services/model-registry', '8004/TCP')"]


def test_missing_dns_egress_is_caught(docs):
    docs.remove(find(docs, "NetworkPolicy", "allow-dns", "chatdb-testing"))
    problems = flow_problems(docs)
    assert "required flow refused: ('chatdb-testing/locust-worker', 'kube-system/kube-dns', '53/UDP')" in problems


def test_locust_workers_reach_only_their_master(docs):
    docs.remove(find(docs, "NetworkPolicy", "locust-master-from-workers", "chatdb-testing"))
    assert flow_problems(docs) == [
        "required flow refused: ('chatdb-testing/locust-worker', 'chatdb-testing/locust-master', '5557/TCP')"]


def test_a_too_wide_peer_is_caught(docs):
    # Dropping the podSelector lets every service pod reach MinIO, not only the two that use it.
    pol = find(docs, "NetworkPolicy", "minio-ingress", "chatdb-system")
    del pol["spec"]["ingress"][0]["from"][0]["podSelector"]
    pol2 = find(docs, "NetworkPolicy", "training-orchestrator-egress", "chatdb-services")
    pol2["spec"]["egress"].append({"to": [{"namespaceSelector": {"matchLabels": {"chatdb.io/tier": "system"}}}],
                                   "ports": [{"protocol": "TCP", "port": 9000}]})
    problems = flow_problems(docs)
    assert ("flow allowed that the design does not need: "
            "('chatdb-services/training-orchestrator', 'chatdb-system/minio', '9000/TCP')") in problems


def test_a_wrong_namespace_label_refuses_flows(docs):
    ns = find(docs, "Namespace", "chatdb-testing")
    ns["metadata"]["labels"]["chatdb.io/tier"] = "tests"
    problems = flow_problems(docs)
    assert "required flow refused: ('chatdb-testing/locust-worker', 'chatdb-system/kafka', '9092/TCP')" in problems


def test_the_ingress_controller_is_allowed_only_to_the_services(docs):
    pol = find(docs, "NetworkPolicy", "services-ingress", "chatdb-services")
    pol["spec"]["ingress"][0]["ports"] = []  # every port of the selected pods
    # Still only http ports exist on the service pods, so nothing changes...
    assert flow_problems(docs) == []
    # ...but an ingress rule on Grafana from the controller is an extra flow.
    docs.append({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                 "metadata": {"name": "grafana-public", "namespace": "chatdb-monitoring"},
                 "spec": {"podSelector": {"matchLabels": {"app.kubernetes.io/name": "grafana"}},
                          "policyTypes": ["Ingress"],
                          "ingress": [{"from": [{"namespaceSelector": {}}]}]}})
    assert any("ingress-nginx-controller', 'chatdb-monitoring/grafana'" in p for p in flow_problems(docs))
