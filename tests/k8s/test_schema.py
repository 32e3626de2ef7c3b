"""Every object of the overlay (and of chaos/) type-checks against the Kubernetes API types
with `tsc --strict`; a misspelled field or a wrong type anywhere fails."""
import copy
import os

import pytest

import schema
from manifests import ROOT, find, load_yaml_dir, pod_template


@pytest.fixture(scope="module")
def chaos():
    return load_yaml_dir(os.path.join(ROOT, "chaos"))


def test_tools_are_installed():
    assert os.access(schema.TSC, os.X_OK), "run scripts/install-deps.sh (npm typescript in tools/node)"
    assert os.path.isdir(os.path.join(schema.NODE_MODULES, "kubernetes-types"))


def test_manifests_and_chaos_pass_the_strict_schema(rendered, chaos, tmp_path):
    assert schema.check(rendered + chaos, str(tmp_path)) == []


def test_schema_catches_misspelled_fields_and_wrong_types(rendered, chaos, tmp_path):
    docs = copy.deepcopy(rendered + chaos)
    port = pod_template(find(docs, "Deployment", "ml-engine"))["spec"]["containers"][0]["ports"][0]
    port["containerport"] = port.pop("containerPort")                       # misspelled, nested
    find(docs, "Deployment", "query-parser")["spec"]["replicas"] = "2"      # string for a number
    probe = pod_template(find(docs, "StatefulSet", "kafka"))["spec"]["containers"][0]["readinessProbe"]
    probe["tcpSocket"]["port"] = ["kafka"]                                  # list for int-or-string
    paths = find(docs, "Ingress", "chatdb")["spec"]["rules"][0]["http"]["paths"]
    paths[0]["pathtype"] = paths[0].pop("pathType")                         # misspelled, required one gone
    find(docs, "NetworkPolicy", "allow-dns", "chatdb-services")["spec"]["egress"][0]["to"] = {"podSelector": {}}
    find(docs, "NetworkChaos", "services-network-delay")["spec"]["delay"]["latancy"] = "100ms"
    find(docs, "PodChaos", "ml-engine-pod-kill")["spec"]["action"] = "pod-kil"
    problems = schema.check(docs, str(tmp_path))
    expectations = [
        ("Deployment/chatdb-services/ml-engine", "containerport"),
        ("Deployment/chatdb-services/query-parser", "'string' is not assignable to type 'number'"),
        ("StatefulSet/chatdb-system/kafka", "string[]"),
        ("Ingress/chatdb-services/chatdb", "pathtype"),
        ("NetworkPolicy/chatdb-services/allow-dns", "NetworkPolicyPeer[]"),
        ("NetworkChaos/chatdb-services/services-network-delay", "latancy"),
        ("PodChaos/chatdb-services/ml-engine-pod-kill", "pod-kil"),
    ]
    for who, what in expectations:
        assert any(p.startswith(who) and what in p for p in problems), (who, what, problems)


def test_schema_refuses_an_unknown_api_version(rendered, tmp_path):
    docs = copy.deepcopy(rendered)
    find(docs, "Deployment", "grafana")["apiVersion"] = "extensions/v1beta1"
    with pytest.raises(ValueError, match="grafana"):
        schema.check(docs, str(tmp_path))
