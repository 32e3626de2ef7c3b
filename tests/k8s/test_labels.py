"""Every workload's pods carry the documents' labels `app: <name>`, `component` and `version`
beside the app.kubernetes.io/* ones, so the documents' selectors (`kubectl wait -l app=postgres
-n chatdb-system`, `kubectl get pods -l app=kafka`, the chaos experiments) select them."""
import os
import re

import pytest

from manifests import ROOT, ns_of, name_of, selector_matches, workloads

# The selectors of the two documents' commands (deploy-all.sh's waits, the troubleshooting section).
DOCUMENT_SELECTORS = [("chatdb-system", name) for name in ("postgres", "minio", "kafka")] + \
    [("chatdb-services", name) for name in ("training-orchestrator", "model-registry", "query-parser", "ml-engine",
                                            "test-service")]


def chatdb_version():
    with open(os.path.join(ROOT, "CMakeLists.txt")) as f:
        return re.search(r"project\(chatdb VERSION ([0-9.]+)", f.read()).group(1)


def label_problems(docs):
    problems = []
    for w, spec, labels in workloads(docs):
        who = f"{w['kind']} {ns_of(w)}/{name_of(w)}"
        if labels.get("app") != name_of(w):
            problems.append(f"{who}: pod label app is {labels.get('app')!r}, not the workload's name")
        if labels.get("app") != labels.get("app.kubernetes.io/name"):
            problems.append(f"{who}: pod labels app and app.kubernetes.io/name differ")
        if not labels.get("component"):
            problems.append(f"{who}: no component label on its pods")
        image = spec["containers"][0]["image"]
        repo, _, tag = image.rpartition(":")
        expected = chatdb_version() if repo.startswith("chatdb/") else tag
        if labels.get("version") != expected:
            problems.append(f"{who}: pod label version is {labels.get('version')!r}, expected {expected!r} ({image})")
    return problems


def test_every_workload_has_the_documents_labels(docs):
    assert label_problems(docs) == []


@pytest.mark.parametrize("namespace,app", DOCUMENT_SELECTORS)
def test_the_documents_selectors_select_pods(rendered, namespace, app):
    picked = [name_of(w) for w, _, labels in workloads(rendered)
              if ns_of(w) == namespace and selector_matches({"matchLabels": {"app": app}}, labels)]
    assert picked == [app]


def test_a_missing_label_is_caught(docs):
    w, _, labels = next(x for x in workloads(docs) if name_of(x[0]) == "kafka")
    del labels["app"]
    labels["version"] = "latest"
    problems = label_problems(docs)
    assert "StatefulSet chatdb-system/kafka: pod label app is None, not the workload's name" in problems
    assert any(p.startswith("StatefulSet chatdb-system/kafka: pod label version is 'latest'") for p in problems)
