"""`kubectl kustomize` builds every overlay (and chaos/), and fails on a broken copy."""
import os
import shutil
import subprocess

import pytest

from manifests import KUBERNETES, OVERLAYS, ROOT, kustomize, load_yaml_dir

OVERLAY_NAMES = sorted(os.listdir(OVERLAYS))
NAMESPACES = {"chatdb-system", "chatdb-services", "chatdb-monitoring", "chatdb-logging", "chatdb-testing"}


def test_there_is_a_minikube_overlay():
    assert "minikube" in OVERLAY_NAMES


@pytest.mark.parametrize("overlay", OVERLAY_NAMES)
def test_overlay_builds(overlay):
    docs = kustomize(os.path.join(OVERLAYS, overlay))
    assert {d["metadata"]["name"] for d in docs if d["kind"] == "Namespace"} == NAMESPACES
    assert all(d["metadata"].get("labels", {}).get("app.kubernetes.io/part-of") == "chatdb" for d in docs)
    names = [(d["kind"], d["metadata"].get("namespace"), d["metadata"]["name"]) for d in docs]
    assert len(names) == len(set(names)), "an object is defined twice"


def test_chaos_is_plain_manifests_for_kubectl_apply_f():
    """`kubectl apply -f chaos/` reads every *.yaml there: no Kustomization may be among them."""
    chaos = os.path.join(ROOT, "chaos")
    assert not [n for n in os.listdir(chaos) if n.lower().startswith("kustomization")]
    kinds = {d["kind"] for d in load_yaml_dir(chaos)}
    assert kinds == {"PodChaos", "NetworkChaos"}


def test_jaeger_query_serves_the_ui(rendered):
    from manifests import find
    svc = find(rendered, "Service", "jaeger-query", "chatdb-monitoring")
    assert [(p["port"], p["targetPort"]) for p in svc["spec"]["ports"]] == [(16686, "ui")]
    assert svc["spec"]["selector"] == {"app.kubernetes.io/name": "jaeger"}


def copy_tree(tmp_path):
    shutil.copytree(KUBERNETES, tmp_path / "kubernetes")
    return tmp_path / "kubernetes" / "overlays" / "minikube"


def test_the_copy_builds(tmp_path):
    assert kustomize(str(copy_tree(tmp_path)))


@pytest.mark.parametrize("breakage", ["missing-resource", "bad-yaml", "bad-patch"])
def test_broken_copy_fails(tmp_path, breakage):
    overlay = copy_tree(tmp_path)
    manifests = tmp_path / "kubernetes"
    if breakage == "missing-resource":
        (manifests / "services" / "ml-engine.yaml").unlink()
    elif breakage == "bad-yaml":
        (manifests / "infrastructure" / "kafka.yaml").write_text("apiVersion: v1\nkind: Service\nmetadata: [\n")
    else:
        k = overlay / "kustomization.yaml"
        k.write_text(k.read_text().replace("/spec/template/spec/containers/0/imagePullPolicy",
                                           "/spec/template/spec/containerz/0/imagePullPolicy"))
    with pytest.raises(subprocess.CalledProcessError):
        kustomize(str(overlay))
