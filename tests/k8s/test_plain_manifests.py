"""The documents' two ways to deploy agree: `kubectl apply -f` of the plain directories (and
files) the guide and the specification name, and `kubectl apply -k kubernetes/base/`, give the
same objects, field for field. kubectl itself reads the -f paths (`kubectl annotate --local`,
which visits files as `apply -f` does, without a cluster); kustomize renders the base."""
import os
import shutil
import subprocess

import pytest
import yaml

from manifests import KUBERNETES, ROOT, containers, ident, kustomize, workloads

# Every `kubectl apply -f` path of the two documents (and kubernetes/base/namespaces.yaml, which
# deploy-all.sh applies first where the specification's script runs `kubectl create namespace`).
DOCUMENT_PATHS = [
    "kubernetes/base/namespaces.yaml",
    "kubernetes/infrastructure/postgres.yaml",
    "kubernetes/infrastructure/minio.yaml",
    "kubernetes/infrastructure/kafka.yaml",
    "kubernetes/infrastructure/",
    "kubernetes/services/",
    "kubernetes/networking/",
    "kubernetes/monitoring/",
    "kubernetes/tracing/jaeger.yaml",
    "kubernetes/logging/",
    "kubernetes/testing/",
    "kubernetes/testing/locust.yaml",
]
# The paths whose union is everything: each object in exactly one of them.
PARTITION = ["kubernetes/base/namespaces.yaml", "kubernetes/infrastructure/", "kubernetes/services/",
             "kubernetes/networking/", "kubernetes/monitoring/", "kubernetes/tracing/", "kubernetes/logging/",
             "kubernetes/testing/"]
CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding"}
MARK = "chatdb.io/read-by-kubectl"


def kubectl_f(root, path):
    """The objects `kubectl apply -f path` would send (non-recursive, as the documents run it)."""
    result = subprocess.run(["kubectl", "annotate", "--local", "-o", "yaml", "-f", os.path.join(root, path),
                             f"{MARK}=1"], capture_output=True, text=True)
    assert result.returncode == 0, f"kubectl -f {path}: {result.stderr}"
    docs = [d for d in yaml.safe_load_all(result.stdout) if d]
    for d in docs:
        notes = d["metadata"].pop("annotations")
        del notes[MARK]
        if notes:
            d["metadata"]["annotations"] = notes
    return docs


def agreement_problems(root):
    problems = []
    plain = {}
    for path in PARTITION:
        for d in kubectl_f(root, path):
            if d.get("apiVersion", "").startswith("kustomize.config.k8s.io"):
                problems.append(f"{path}: `kubectl apply -f` would send a {d['kind']} (not an API object)")
                continue
            if d["kind"] not in CLUSTER_SCOPED and not d["metadata"].get("namespace"):
                problems.append(f"{path}: {ident(d)} has no namespace (`apply -f` would put it in default)")
            if ident(d) in plain:
                problems.append(f"{path}: {ident(d)} is defined twice")
            plain[ident(d)] = d
    try:
        rendered = {ident(d): d for d in kustomize(os.path.join(root, "kubernetes", "base"))}
    except subprocess.CalledProcessError as e:
        return problems + [f"kubectl kustomize kubernetes/base: {e.stderr.strip()}"]
    problems += [f"only in kubectl apply -k kubernetes/base/: {k}" for k in sorted(set(rendered) - set(plain))]
    problems += [f"only in kubectl apply -f: {k}" for k in sorted(set(plain) - set(rendered))]
    problems += [f"differs between -f and -k: {k}" for k in sorted(set(plain) & set(rendered))
                 if plain[k] != rendered[k]]
    return problems


def test_every_document_path_is_plain_manifests():
    for path in DOCUMENT_PATHS:
        docs = kubectl_f(ROOT, path)
        assert docs, path
        assert not [d for d in docs if d["apiVersion"].startswith("kustomize.config.k8s.io")], path


def test_apply_f_and_apply_k_give_the_same_objects():
    assert agreement_problems(ROOT) == []


def test_the_base_is_everything_the_overlay_deploys(rendered):
    base = {ident(d) for d in kustomize(os.path.join(KUBERNETES, "base"))}
    assert base == {ident(d) for d in rendered}


def test_no_directory_has_a_file_kubectl_would_choke_on():
    for path in PARTITION:
        full = os.path.join(ROOT, path)
        if os.path.isdir(full):
            for name in os.listdir(full):
                assert not name.startswith("kustomization."), f"{path}{name}: `kubectl apply -f {path}` reads it"


def references(docs):
    """(kind, name) of every ServiceAccount, ConfigMap, Secret and PVC the workloads need."""
    out = set()
    for w, spec, _ in workloads(docs):
        if spec.get("serviceAccountName"):
            out.add(("ServiceAccount", spec["serviceAccountName"]))
        claims = {t["metadata"]["name"] for t in w["spec"].get("volumeClaimTemplates", [])}
        for v in spec.get("volumes", []) or []:
            if "configMap" in v and not v["configMap"].get("optional"):
                out.add(("ConfigMap", v["configMap"]["name"]))
            if "secret" in v and not v["secret"].get("optional"):
                out.add(("Secret", v["secret"]["secretName"]))
            if "persistentVolumeClaim" in v and v["persistentVolumeClaim"]["claimName"] not in claims:
                out.add(("PersistentVolumeClaim", v["persistentVolumeClaim"]["claimName"]))
        for c in containers(spec):
            for src in c.get("envFrom", []) or []:
                for key, kind in (("configMapRef", "ConfigMap"), ("secretRef", "Secret")):
                    if key in src and not src[key].get("optional"):
                        out.add((kind, src[key]["name"]))
            for e in c.get("env", []) or []:
                for key, kind in (("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret")):
                    ref = (e.get("valueFrom") or {}).get(key)
                    if ref and not ref.get("optional"):
                        out.add((kind, ref["name"]))
    return out


@pytest.mark.parametrize("path", [p for p in DOCUMENT_PATHS if not p.endswith("namespaces.yaml")])
def test_each_document_path_brings_what_its_pods_need(path):
    """`kubectl apply -f` of one path alone (as the documents do) starts pods that find their
    ServiceAccounts, ConfigMaps and Secrets: each is in the same file or directory."""
    docs = kubectl_f(ROOT, path)
    defined = {(d["kind"], d["metadata"]["name"]) for d in docs}
    assert references(docs) - defined == set()


def test_a_reference_to_another_file_is_caught():
    docs = kubectl_f(ROOT, "kubernetes/infrastructure/postgres.yaml")
    docs = [d for d in docs if d["kind"] != "Secret"]
    assert ("Secret", "postgres-credentials") in references(docs) - {(d["kind"], d["metadata"]["name"]) for d in docs}


def copy_tree(tmp_path):
    shutil.copytree(KUBERNETES, tmp_path / "kubernetes")
    return tmp_path


@pytest.mark.parametrize("breakage", ["kustomization-yaml", "unlisted-file", "transformer", "edited-label"])
def test_a_disagreement_is_caught(tmp_path, breakage):
    root = copy_tree(tmp_path)
    services = root / "kubernetes" / "services"
    if breakage == "kustomization-yaml":  # the name `kubectl apply -f` reads
        (services / "Kustomization").rename(services / "kustomization.yaml")
    elif breakage == "unlisted-file":  # -f applies it, -k does not know it
        (services / "extra.yaml").write_text(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n  namespace: chatdb-services\n")
    elif breakage == "transformer":  # kustomize changes what -f sends as written
        k = services / "Kustomization"
        k.write_text(k.read_text() + "commonAnnotations:\n  x: y\n")
    else:  # a label the file lacks but the old per-namespace kustomizations added
        f = services / "ml-engine.yaml"
        f.write_text(f.read_text().replace("    chatdb.io/component: services\n", "", 1))
        k = services / "Kustomization"
        k.write_text(k.read_text() + "labels:\n  - pairs:\n      chatdb.io/component: services\n")
    assert agreement_problems(str(root))
