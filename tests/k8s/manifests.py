"""Rendering the kustomize overlays and walking the objects they contain."""
import os
import re
import subprocess

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
KUBERNETES = os.path.join(ROOT, "kubernetes")
OVERLAYS = os.path.join(KUBERNETES, "overlays")
DEFAULT_OVERLAY = os.path.join(OVERLAYS, "minikube")

WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob")
LONG_RUNNING_KINDS = ("Deployment", "StatefulSet", "DaemonSet")
SERVICES_NAMESPACE = "chatdb-services"


def require_kubectl():
    """kubectl with kustomize v5 (kubectl 1.27 or later): Debian's kubernetes-client is too old."""
    try:
        out = subprocess.run(["kubectl", "version", "--client"], capture_output=True, text=True).stdout
    except FileNotFoundError:
        raise AssertionError("kubectl is not installed: https://kubernetes.io/docs/tasks/tools/ (1.27 or later)")
    m = re.search(r"Kustomize Version: v(\d+)", out)
    if not m or int(m.group(1)) < 5:
        raise AssertionError(f"kubectl's kustomize is older than v5 (kubectl 1.27): {out.strip()}")


def kustomize(path):
    """`kubectl kustomize path` as a list of objects; raises CalledProcessError on failure."""
    out = subprocess.run(["kubectl", "kustomize", path], check=True, capture_output=True, text=True).stdout
    return [d for d in yaml.safe_load_all(out) if d]


def load_yaml_dir(path):
    """Every object of every *.yaml file in a directory (not rendered: for chaos/)."""
    docs = []
    for name in sorted(os.listdir(path)):
        if name.endswith((".yaml", ".yml")) and name != "kustomization.yaml":
            with open(os.path.join(path, name)) as f:
                docs.extend(d for d in yaml.safe_load_all(f) if d)
    return docs


def service_table():
    """The service table of README.md: {service: port}."""
    with open(os.path.join(ROOT, "README.md")) as f:
        text = f.read()
    rows = re.findall(r"^\| ([a-z][a-z-]+) \| (\d{4,5}) \|", text, re.M)
    table = {name: int(port) for name, port in rows}
    if len(table) != 5:
        raise AssertionError(f"README.md's service table should list five services, found {table}")
    return table


def ns_of(doc):
    return doc.get("metadata", {}).get("namespace", "")


def name_of(doc):
    return doc.get("metadata", {}).get("name", "")


def ident(doc):
    ns = ns_of(doc)
    return f"{doc.get('kind')}/{ns + '/' if ns else ''}{name_of(doc)}"


def of_kind(docs, *kinds):
    return [d for d in docs if d.get("kind") in kinds]


def find(docs, kind, name, namespace=None):
    for d in docs:
        if d.get("kind") == kind and name_of(d) == name and (namespace is None or ns_of(d) == namespace):
            return d
    raise KeyError(f"{kind} {namespace}/{name} not in the manifests")


def pod_template(doc):
    """The pod template of a workload."""
    spec = doc.get("spec", {})
    if doc.get("kind") == "CronJob":
        spec = spec.get("jobTemplate", {}).get("spec", {})
    return spec.get("template", {})


def workloads(docs, kinds=WORKLOAD_KINDS):
    """(workload, pod spec, pod labels) for every workload."""
    for d in of_kind(docs, *kinds):
        template = pod_template(d)
        yield d, template.get("spec", {}), template.get("metadata", {}).get("labels", {}) or {}


def containers(pod_spec, init=True):
    out = list(pod_spec.get("containers", []) or [])
    if init:
        out += list(pod_spec.get("initContainers", []) or [])
    return out


def selector_matches(selector, labels):
    """Kubernetes label-selector semantics (matchLabels and matchExpressions)."""
    if selector is None:
        return False
    for k, v in (selector.get("matchLabels") or {}).items():
        if labels.get(k) != v:
            return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr["key"], expr["operator"], expr.get("values") or []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and key in labels and labels[key] in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


def resolve_port(pod_spec, port):
    """A named or numbered container port of a pod spec -> its number, or None."""
    for c in containers(pod_spec, init=False):
        for p in c.get("ports", []) or []:
            if port == p.get("name") or port == p.get("containerPort"):
                return p.get("containerPort")
    return None


def config_map_data(docs, namespace, prefix):
    """The data of the ConfigMap whose (possibly hash-suffixed) name starts with prefix."""
    for d in of_kind(docs, "ConfigMap"):
        if ns_of(d) == namespace and re.fullmatch(re.escape(prefix) + r"(-[a-z0-9]{10})?", name_of(d)):
            return d.get("data", {}) or {}
    raise KeyError(f"ConfigMap {namespace}/{prefix} not in the manifests")


def secret_data(docs, namespace, name):
    import base64

    d = find(docs, "Secret", name, namespace)
    out = dict(d.get("stringData", {}) or {})
    for k, v in (d.get("data", {}) or {}).items():
        out[k] = base64.b64decode(v).decode()
    return out
