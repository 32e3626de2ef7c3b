"""Policy checks on rendered manifests. Each check returns a list of problems (empty: passes),
so that a test can assert both that the real manifests pass and that a broken copy fails."""
import json
import re
from urllib.parse import urlparse

import yaml

from manifests import (LONG_RUNNING_KINDS, SERVICES_NAMESPACE, config_map_data, containers, find, ident,
                       name_of, ns_of, of_kind, pod_template, resolve_port, secret_data, selector_matches,
                       workloads)

# The one container allowed to run as root, and why: it reads the node's root-owned, mode
# 0640 container log files. It still drops every capability and has a read-only root.
ROOT_ALLOWED = {("chatdb-logging", "fluent-bit")}

# The guide's replicas, as chosen for this deployment.
REPLICAS = {"training-orchestrator": 2, "query-parser": 2, "model-registry": 2, "ml-engine": 1, "test-service": 1}

# The Kafka topics of the design brief.
TOPICS = {"queries", "query_results", "training_jobs", "predictions", "job_events", "model_events"}

# Ingress requests and the service that must answer each (Prefix matching, no rewrite).
INGRESS_ROUTES = {
    "/api/v1/jobs": "training-orchestrator",
    "/api/v1/jobs/42": "training-orchestrator",
    "/api/v1/jobs/42/cancel": "training-orchestrator",
    "/api/v1/parse": "query-parser",
    "/api/v1/query": "query-parser",
    "/api/v1/query/7f3a": "query-parser",
    "/api/v1/databases": "query-parser",
    "/api/v1/databases/demo/tables": "query-parser",
    "/api/v1/schema": "query-parser",
    "/api/v1/predict": "ml-engine",
    "/api/v1/registered-models": "model-registry",
    "/api/v1/registered-models/iris/aliases/champion": "model-registry",
    "/api/v1/model-versions": "model-registry",
    "/api/v1/model-versions/3": "model-registry",
    # The deployment documents' paths (issue 10): aliases the services serve themselves.
    "/api/v1/models": "model-registry",
    "/api/v1/models/iris/versions/1/artifact": "model-registry",
    "/api/v1/ml": "ml-engine",
    "/api/v1/ml/predict": "ml-engine",
    # Everything else is the web console's (it answers 404 for what it does not have).
    "/api/v1/mlflow": "console",
    "/test": "test-service",
    "/test/": "test-service",
    "/test/health": "test-service",
    "/api/v1/jobsearch": "console",  # Prefix matches whole path elements only
    "/health": "console",
    "/": "console",
    "/js/main.js": "console",
}

SECRET_KEY_PATTERN = re.compile(r"PASSWORD|SECRET|TOKEN|ACCESS_KEY|PRIVATE|CREDENTIAL|DATABASE_URL", re.I)
URL_WITH_PASSWORD = re.compile(r"://[^/@\s]+:[^/@\s]+@")


def chatdb_containers(docs):
    """(workload, container) for every container that runs the chatdb binary."""
    for w, spec, _ in workloads(docs):
        for c in containers(spec, init=False):
            if c.get("image", "").split(":")[0] in {f"chatdb/{s}" for s in REPLICAS}:
                yield w, c


def quantity(value):
    """A Kubernetes quantity as a float (CPU in cores, memory in bytes)."""
    s = str(value)
    units = {"m": 1e-3, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12,
             "Ki": 1024, "Mi": 1024 ** 2, "Gi": 1024 ** 3, "Ti": 1024 ** 4}
    m = re.fullmatch(r"([0-9.]+)(m|k|M|G|T|Ki|Mi|Gi|Ti)?", s)
    if not m:
        raise ValueError(f"not a quantity: {s}")
    return float(m.group(1)) * units.get(m.group(2) or "", 1)


# --- containers -------------------------------------------------------------------------------

def probes(docs, table):
    problems = []
    for w, spec, _ in workloads(docs, LONG_RUNNING_KINDS):
        for c in containers(spec, init=False):
            for probe in ("livenessProbe", "readinessProbe"):
                if probe not in c:
                    problems.append(f"{ident(w)} container {c['name']}: no {probe}")
    for w, c in chatdb_containers(docs):
        if w["kind"] not in LONG_RUNNING_KINDS:
            continue
        for probe, path in (("livenessProbe", "/health"), ("readinessProbe", "/ready")):
            get = c.get(probe, {}).get("httpGet", {})
            if get.get("path") != path:
                problems.append(f"{ident(w)}: {probe} should GET {path}, has {get.get('path')}")
            port = resolve_port(spec_of(w), get.get("port"))
            if port != table.get(name_of(w)):
                problems.append(f"{ident(w)}: {probe} port {get.get('port')} is {port}, "
                                f"the service table says {table.get(name_of(w))}")
    return problems


def spec_of(w):
    return pod_template(w).get("spec", {})


def resources(docs):
    problems = []
    for w, spec, _ in workloads(docs):
        for c in containers(spec):
            res = c.get("resources", {})
            for kind in ("requests", "limits"):
                for r in ("cpu", "memory"):
                    if r not in (res.get(kind) or {}):
                        problems.append(f"{ident(w)} container {c['name']}: no {kind}.{r}")
            for r in ("cpu", "memory"):
                try:
                    req, lim = res["requests"][r], res["limits"][r]
                except (KeyError, TypeError):
                    continue
                if quantity(req) > quantity(lim):
                    problems.append(f"{ident(w)} container {c['name']}: {r} request {req} exceeds limit {lim}")
    return problems


def security(docs):
    """Non-root, read-only root, no privilege escalation, every capability dropped, seccomp."""
    problems = []
    for w, spec, _ in workloads(docs):
        pod_sc = spec.get("securityContext", {}) or {}
        for flag in ("hostNetwork", "hostPID", "hostIPC"):
            if spec.get(flag):
                problems.append(f"{ident(w)}: {flag}")
        root_ok = (ns_of(w), name_of(w)) in ROOT_ALLOWED
        for c in containers(spec):
            sc = c.get("securityContext", {}) or {}
            where = f"{ident(w)} container {c['name']}"
            non_root = sc.get("runAsNonRoot", pod_sc.get("runAsNonRoot"))
            user = sc.get("runAsUser", pod_sc.get("runAsUser"))
            if not root_ok and (non_root is not True or user == 0):
                problems.append(f"{where}: must run with runAsNonRoot: true and a non-zero runAsUser")
            if sc.get("allowPrivilegeEscalation") is not False:
                problems.append(f"{where}: allowPrivilegeEscalation must be false")
            if sc.get("readOnlyRootFilesystem") is not True:
                problems.append(f"{where}: readOnlyRootFilesystem must be true")
            if sc.get("privileged"):
                problems.append(f"{where}: privileged")
            caps = sc.get("capabilities", {}) or {}
            if "ALL" not in (caps.get("drop") or []):
                problems.append(f"{where}: capabilities must drop ALL")
            if caps.get("add"):
                problems.append(f"{where}: adds capabilities {caps['add']}")
            seccomp = (sc.get("seccompProfile") or pod_sc.get("seccompProfile") or {}).get("type")
            if seccomp not in ("RuntimeDefault", "Localhost"):
                problems.append(f"{where}: seccompProfile must be RuntimeDefault")
    return problems


def writable_data_dir(docs):
    """With a read-only root, CHATDB_DATA_DIR must be a mounted volume in every chatdb pod."""
    problems = []
    data_dir = config_map_data(docs, SERVICES_NAMESPACE, "chatdb-config").get("CHATDB_DATA_DIR")
    for w, c in chatdb_containers(docs):
        if ns_of(w) != SERVICES_NAMESPACE:
            continue
        mounts = {m["mountPath"] for m in c.get("volumeMounts", []) or [] if not m.get("readOnly")}
        if data_dir not in mounts:
            problems.append(f"{ident(w)}: CHATDB_DATA_DIR {data_dir} is not a writable volume mount")
    return problems


def images(docs, built):
    """chatdb/* images are ones the build script builds; others are pinned (no latest)."""
    problems = []
    for w, spec, _ in workloads(docs):
        for c in containers(spec):
            image = c.get("image", "")
            repo, _, tag = image.rpartition(":") if ":" in image.split("/")[-1] else (image, "", "")
            if repo.startswith("chatdb/"):
                if repo not in built:
                    problems.append(f"{ident(w)}: image {image} is not built by scripts/build-images.sh")
            elif "@sha256:" not in image and (not tag or tag == "latest"):
                problems.append(f"{ident(w)}: third-party image {image} is not pinned to a version")
    return problems


# --- identities and namespaces ----------------------------------------------------------------

def service_accounts(docs):
    """A ServiceAccount per workload; a token only where a (Cluster)RoleBinding grants something."""
    problems = []
    accounts = {(ns_of(sa), name_of(sa)): sa for sa in of_kind(docs, "ServiceAccount")}
    bound = set()
    for b in of_kind(docs, "RoleBinding", "ClusterRoleBinding"):
        for s in b.get("subjects", []) or []:
            if s.get("kind") == "ServiceAccount":
                bound.add((s.get("namespace", ns_of(b)), s["name"]))
    users = {}
    for w, spec, _ in workloads(docs):
        sa = spec.get("serviceAccountName")
        key = (ns_of(w), sa)
        if not sa or sa == "default":
            problems.append(f"{ident(w)}: no serviceAccountName of its own")
            continue
        if key not in accounts:
            problems.append(f"{ident(w)}: ServiceAccount {sa} does not exist in {ns_of(w)}")
            continue
        if key in users:
            problems.append(f"{ident(w)}: shares ServiceAccount {sa} with {users[key]}")
        users[key] = ident(w)
        automount = spec.get("automountServiceAccountToken",
                             accounts[key].get("automountServiceAccountToken", True))
        if automount and key not in bound:
            problems.append(f"{ident(w)}: mounts an API token but its ServiceAccount is granted nothing "
                            f"(set automountServiceAccountToken: false)")
    for role in of_kind(docs, "Role", "ClusterRole"):
        for rule in role.get("rules", []) or []:
            if "*" in (rule.get("verbs") or []) or "*" in (rule.get("resources") or []):
                problems.append(f"{ident(role)}: wildcard rule {rule}")
            if "secrets" in (rule.get("resources") or []):
                problems.append(f"{ident(role)}: grants access to secrets")
            if set(rule.get("verbs") or []) - {"get", "list", "watch"}:
                problems.append(f"{ident(role)}: grants more than read access: {rule.get('verbs')}")
    return problems


RESTRICTED_VOLUMES = {"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim",
                      "projected", "secret"}


def namespaces(docs):
    """Every namespace used is declared, labelled with its tier and a pod-security level that
    its pods meet."""
    problems = []
    declared = {name_of(n): n.get("metadata", {}).get("labels", {}) or {} for n in of_kind(docs, "Namespace")}
    for d in docs:
        ns = ns_of(d)
        if ns and ns not in declared:
            problems.append(f"{ident(d)}: namespace {ns} is not declared")
    for name, labels in declared.items():
        if "chatdb.io/tier" not in labels:
            problems.append(f"Namespace {name}: no chatdb.io/tier label (the network policies select it)")
        if labels.get("pod-security.kubernetes.io/enforce") not in ("restricted", "baseline", "privileged"):
            problems.append(f"Namespace {name}: no pod-security.kubernetes.io/enforce label")
    for w, spec, _ in workloads(docs):
        level = declared.get(ns_of(w), {}).get("pod-security.kubernetes.io/enforce")
        host_path = [v["name"] for v in spec.get("volumes", []) or [] if "hostPath" in v]
        if host_path and level != "privileged":
            problems.append(f"{ident(w)}: hostPath volumes {host_path} are refused in a {level} namespace")
        if level == "restricted":
            for v in spec.get("volumes", []) or []:
                kinds = set(v) - {"name"}
                if not kinds <= RESTRICTED_VOLUMES:
                    problems.append(f"{ident(w)}: volume {v['name']} ({kinds}) is not allowed by 'restricted'")
            if (ns_of(w), name_of(w)) in ROOT_ALLOWED:
                problems.append(f"{ident(w)}: runs as root in a restricted namespace")
    # Only a namespace that needs it may be privileged.
    for name, labels in declared.items():
        if labels.get("pod-security.kubernetes.io/enforce") == "privileged":
            needs = any(ns_of(w) == name and any("hostPath" in v for v in spec.get("volumes", []) or [])
                        for w, spec, _ in workloads(docs))
            if not needs:
                problems.append(f"Namespace {name}: privileged, but none of its pods needs it")
    return problems


# --- services, ports, routing -----------------------------------------------------------------

def service_selectors(docs):
    problems = []
    for svc in of_kind(docs, "Service"):
        selector = svc.get("spec", {}).get("selector")
        if not selector:
            problems.append(f"{ident(svc)}: no selector")
            continue
        pods = [spec for w, spec, labels in workloads(docs)
                if ns_of(w) == ns_of(svc) and selector_matches({"matchLabels": selector}, labels)]
        if not pods:
            problems.append(f"{ident(svc)}: selector {selector} matches no pod template")
            continue
        for p in svc["spec"].get("ports", []):
            target = p.get("targetPort", p.get("port"))
            if not any(resolve_port(spec, target) for spec in pods):
                problems.append(f"{ident(svc)}: targetPort {target} is no container port of the selected pods")
    return problems


def service_ports(docs, table):
    """Deployments, Services, configuration and URLs agree with the service table."""
    problems = []
    config = config_map_data(docs, SERVICES_NAMESPACE, "chatdb-config")
    for name, port in table.items():
        try:
            dep = find(docs, "Deployment", name, SERVICES_NAMESPACE)
        except KeyError as e:
            problems.append(str(e))
            continue
        spec = spec_of(dep)
        if resolve_port(spec, "http") != port:
            problems.append(f"{ident(dep)}: container port 'http' is {resolve_port(spec, 'http')}, not {port}")
        args = containers(spec, init=False)[0].get("args", [])
        if args != ["serve", name]:
            problems.append(f"{ident(dep)}: runs {args}, not ['serve', '{name}']")
        for svc_name in (name, f"{name}-pods"):
            try:
                svc = find(docs, "Service", svc_name, SERVICES_NAMESPACE)
            except KeyError as e:
                problems.append(str(e))
                continue
            ports = svc["spec"].get("ports", [])
            if [p.get("port") for p in ports] != [port]:
                problems.append(f"{ident(svc)}: ports {[p.get('port') for p in ports]}, expected [{port}]")
            for p in ports:
                if resolve_port(spec, p.get("targetPort")) != port:
                    problems.append(f"{ident(svc)}: targetPort {p.get('targetPort')} is not container port {port}")
        env = name.upper().replace("-", "_")
        if config.get(f"{env}_PORT") != str(port):
            problems.append(f"chatdb-config: {env}_PORT is {config.get(f'{env}_PORT')}, not {port}")
        url = config.get(f"{env}_URL")
        if name != "test-service":
            u = urlparse(url or "")
            if u.hostname not in (f"{name}.{SERVICES_NAMESPACE}.svc", f"{name}.{SERVICES_NAMESPACE}.svc.cluster.local") \
                    or u.port != port:
                problems.append(f"chatdb-config: {env}_URL {url} is not http://{name}.{SERVICES_NAMESPACE}.svc:{port}")
    return problems


def _route(ingress_rules, path):
    """The backend of a request path, by the Ingress rules' Exact/Prefix semantics."""
    best, best_len = None, -1
    for p in ingress_rules:
        rule_path, kind = p.get("path", "/"), p.get("pathType")
        if kind == "Exact":
            ok = path == rule_path
        elif kind == "Prefix":
            prefix = rule_path.rstrip("/")
            ok = path == prefix or path.startswith(prefix + "/") or prefix == ""
        else:  # ImplementationSpecific: treated as unverifiable
            ok = False
        if ok and len(rule_path) > best_len:
            best, best_len = p["backend"]["service"], len(rule_path)
    return best


def ingress(docs, table):
    problems = []
    ingresses = of_kind(docs, "Ingress")
    if len(ingresses) != 1:
        return [f"expected one Ingress, found {len(ingresses)}"]
    ing = ingresses[0]
    annotations = ing.get("metadata", {}).get("annotations", {}) or {}
    for key in annotations:
        if key.endswith("rewrite-target") or key.endswith("use-regex"):
            problems.append(f"{ident(ing)}: annotation {key} rewrites paths; the services expect them unchanged")
    if ing["spec"].get("ingressClassName") != "nginx":
        problems.append(f"{ident(ing)}: ingressClassName is not nginx (the minikube ingress addon)")
    rules = [r for r in ing["spec"].get("rules", []) if r.get("host") == "chatdb.local"]
    if not rules:
        return problems + [f"{ident(ing)}: no rule for host chatdb.local"]
    paths = [p for r in rules for p in r.get("http", {}).get("paths", [])]
    for p in paths:
        if p.get("pathType") != "Prefix":
            problems.append(f"{ident(ing)}: path {p.get('path')} is {p.get('pathType')}, not Prefix")
        backend = p["backend"]["service"]
        try:
            svc = find(docs, "Service", backend["name"], ns_of(ing))
        except KeyError:
            problems.append(f"{ident(ing)}: backend Service {backend['name']} does not exist")
            continue
        number = backend.get("port", {}).get("number")
        if number not in [sp.get("port") for sp in svc["spec"].get("ports", [])]:
            problems.append(f"{ident(ing)}: backend {backend['name']}:{number} is no port of the Service")
        if backend["name"] in table and number != table[backend["name"]]:
            problems.append(f"{ident(ing)}: backend {backend['name']}:{number}, the table says {table[backend['name']]}")
    for path, service in INGRESS_ROUTES.items():
        got = _route(paths, path)
        got_name = got["name"] if got else None
        if got_name != service:
            problems.append(f"{ident(ing)}: http://chatdb.local{path} goes to {got_name}, expected {service}")
    return problems


def prometheus_config(docs):
    return yaml.safe_load(config_map_data(docs, "chatdb-monitoring", "prometheus-config")["prometheus.yml"])


def prometheus_targets(docs, table):
    """One scrape job per service that finds exactly that service's pods on its port."""
    problems = []
    jobs = {j["job_name"]: j for j in prometheus_config(docs).get("scrape_configs", [])}
    for name, port in table.items():
        job = jobs.get(name)
        if not job:
            problems.append(f"prometheus.yml: no scrape job {name}")
            continue
        if job.get("metrics_path", "/metrics") != "/metrics":
            problems.append(f"prometheus.yml job {name}: metrics_path {job.get('metrics_path')}")
        sds = job.get("dns_sd_configs", [])
        if len(sds) != 1:
            problems.append(f"prometheus.yml job {name}: expected one dns_sd_config")
            continue
        sd = sds[0]
        if sd.get("type", "SRV") != "A" or sd.get("port") != port:
            problems.append(f"prometheus.yml job {name}: scrapes port {sd.get('port')} (type {sd.get('type')}), "
                            f"the service table says {port}")
        dep = find(docs, "Deployment", name, SERVICES_NAMESPACE)
        for dns in sd.get("names", []):
            m = re.fullmatch(r"([a-z0-9-]+)\.([a-z0-9-]+)\.svc(\.cluster\.local)?", dns)
            if not m:
                problems.append(f"prometheus.yml job {name}: {dns} is not a Service DNS name")
                continue
            try:
                svc = find(docs, "Service", m.group(1), m.group(2))
            except KeyError:
                problems.append(f"prometheus.yml job {name}: Service {m.group(2)}/{m.group(1)} does not exist")
                continue
            spec = svc["spec"]
            if spec.get("clusterIP") != "None":
                problems.append(f"prometheus.yml job {name}: {ident(svc)} is not headless (DNS gives one address)")
            labels = pod_template(dep).get("metadata", {}).get("labels", {})
            if not selector_matches({"matchLabels": spec.get("selector") or {}}, labels):
                problems.append(f"prometheus.yml job {name}: {ident(svc)} does not select {ident(dep)}'s pods")
            else:
                others = [ident(w) for w, _, lab in workloads(docs) if ns_of(w) == ns_of(svc) and w is not dep
                          and selector_matches({"matchLabels": spec.get("selector") or {}}, lab)]
                if others:
                    problems.append(f"prometheus.yml job {name}: {ident(svc)} also selects {others}")
    return problems


# --- configuration ----------------------------------------------------------------------------

def config_refs(docs):
    """Every ConfigMap/Secret (and key) that a pod references exists in its namespace."""
    problems = []
    data = {}
    for d in of_kind(docs, "ConfigMap", "Secret"):
        keys = set(d.get("data", {}) or {}) | set(d.get("stringData", {}) or {}) | set(d.get("binaryData", {}) or {})
        data[(d["kind"], ns_of(d), name_of(d))] = keys

    def check(w, kind, name, key, optional):
        if optional:
            return
        keys = data.get((kind, ns_of(w), name))
        if keys is None:
            problems.append(f"{ident(w)}: {kind} {name} does not exist in {ns_of(w)}")
        elif key is not None and key not in keys:
            problems.append(f"{ident(w)}: {kind} {name} has no key {key}")

    for w, spec, _ in workloads(docs):
        for c in containers(spec):
            for ef in c.get("envFrom", []) or []:
                for ref, kind in (("configMapRef", "ConfigMap"), ("secretRef", "Secret")):
                    if ref in ef:
                        check(w, kind, ef[ref]["name"], None, ef[ref].get("optional"))
            for e in c.get("env", []) or []:
                vf = e.get("valueFrom", {}) or {}
                for ref, kind in (("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret")):
                    if ref in vf:
                        check(w, kind, vf[ref]["name"], vf[ref]["key"], vf[ref].get("optional"))
        for v in spec.get("volumes", []) or []:
            for src, kind, field in (("configMap", "ConfigMap", "name"), ("secret", "Secret", "secretName")):
                if src in v:
                    ref = v[src]
                    check(w, kind, ref[field], None, ref.get("optional"))
                    for item in ref.get("items", []) or []:
                        check(w, kind, ref[field], item["key"], ref.get("optional"))
    return problems


def no_credentials_in_config_maps(docs):
    problems = []
    for cm in of_kind(docs, "ConfigMap"):
        for key, value in (cm.get("data", {}) or {}).items():
            if SECRET_KEY_PATTERN.search(key):
                problems.append(f"{ident(cm)}: key {key} is a credential; it belongs in a Secret")
            if URL_WITH_PASSWORD.search(str(value)):
                problems.append(f"{ident(cm)}: {key} holds a URL with a password; it belongs in a Secret")
    return problems


def known_settings(docs, settings):
    """Every variable the chatdb containers get is a setting that `chatdb serve` reads."""
    problems = []
    config = config_map_data(docs, SERVICES_NAMESPACE, "chatdb-config")
    for key in config:
        if key not in settings:
            problems.append(f"chatdb-config: {key} is not a chatdb setting (src/common/config.cpp)")
    for w, c in chatdb_containers(docs):
        for e in c.get("env", []) or []:
            if e["name"] not in settings:
                problems.append(f"{ident(w)}: env {e['name']} is not a chatdb setting")
    if config.get("CHATDB_HOST") != "0.0.0.0":
        problems.append("chatdb-config: CHATDB_HOST must be 0.0.0.0 in pods")
    return problems


def dependencies_agree(docs):
    """Topics, bucket and credentials: what the setup Jobs create is what the services use."""
    problems = []
    config = config_map_data(docs, SERVICES_NAMESPACE, "chatdb-config")
    used_topics = {v for k, v in config.items() if k.endswith("_TOPIC")}
    if used_topics != TOPICS:
        problems.append(f"chatdb-config topics {sorted(used_topics)} are not the design's {sorted(TOPICS)}")

    def job_env(name):
        job = find(docs, "Job", name, "chatdb-system")
        return {e["name"]: e.get("value") for c in containers(spec_of(job)) for e in c.get("env", []) or []}

    created = set((job_env("kafka-topics").get("TOPICS") or "").split())
    if created != used_topics:
        problems.append(f"kafka-topics creates {sorted(created)}, the services use {sorted(used_topics)}")
    if job_env("minio-bucket").get("BUCKET") != config.get("S3_BUCKET"):
        problems.append(f"minio-bucket creates {job_env('minio-bucket').get('BUCKET')}, "
                        f"the services use {config.get('S3_BUCKET')}")
    secrets = secret_data(docs, SERVICES_NAMESPACE, "chatdb-secrets")
    pg = secret_data(docs, "chatdb-system", "postgres-credentials")
    url = urlparse(secrets.get("DATABASE_URL", ""))
    if (url.username, url.password, url.path.lstrip("/")) != (pg["POSTGRES_USER"], pg["POSTGRES_PASSWORD"], pg["POSTGRES_DB"]):
        problems.append("chatdb-secrets DATABASE_URL does not carry postgres-credentials' user, password and database")
    if url.hostname not in ("postgres.chatdb-system.svc", "postgres.chatdb-system.svc.cluster.local"):
        problems.append(f"DATABASE_URL host {url.hostname} is not the postgres Service")
    minio = secret_data(docs, "chatdb-system", "minio-credentials")
    if (secrets.get("AWS_ACCESS_KEY_ID"), secrets.get("AWS_SECRET_ACCESS_KEY")) != \
            (minio["SERVICE_ACCESS_KEY"], minio["SERVICE_SECRET_KEY"]):
        problems.append("chatdb-secrets AWS keys are not minio-credentials' SERVICE_ACCESS_KEY/SECRET_KEY")
    init_sql = config_map_data(docs, "chatdb-system", "postgres-init-sql").get("init.sql", "")
    demo_sql = config_map_data(docs, "chatdb-system", "demo-db-sql").get("demo.sql", "")
    try:
        sources = json.loads(secrets.get("CHATDB_DATA_SOURCES", "{}"))
    except ValueError:
        sources = None
        problems.append("chatdb-secrets CHATDB_DATA_SOURCES is not JSON")
    for name, entry in (sources or {}).items():
        src = urlparse(entry if isinstance(entry, str) else entry.get("url", ""))
        if not re.search(rf"CREATE ROLE {re.escape(src.username or '-')} LOGIN", init_sql) \
                or src.password != pg.get("READER_PASSWORD"):
            problems.append(f"data source {name}: its user is not the read-only role that postgres-init creates "
                            f"with READER_PASSWORD")
        if src.hostname not in ("postgres.chatdb-system.svc", "postgres.chatdb-system.svc.cluster.local"):
            problems.append(f"data source {name}: host {src.hostname} is not the postgres Service")
        database = src.path.lstrip("/")
        if database == pg.get("POSTGRES_DB"):
            problems.append(f"data source {name}: it is the metadata database {database}, not a business database")
        elif not re.search(rf"CREATE DATABASE {re.escape(database or '-')}\b", demo_sql):
            problems.append(f"data source {name}: database {database} is not the one demo-db-init creates")
    ml = find(docs, "Deployment", "ml-engine", SERVICES_NAMESPACE)
    ml_cpu = quantity(containers(spec_of(ml), init=False)[0]["resources"]["limits"]["cpu"]) * ml["spec"]["replicas"]
    capacity = float(config.get("CHATDB_CPU_CAPACITY", "0"))
    if not 0 < capacity <= ml_cpu:
        problems.append(f"chatdb-config CHATDB_CPU_CAPACITY {capacity} is not within ml-engine's CPU limits ({ml_cpu})")
    for key, expected in (("KAFKA_BOOTSTRAP_SERVERS", "kafka.chatdb-system.svc:9092"),
                          ("S3_ENDPOINT", "http://minio.chatdb-system.svc:9000")):
        if config.get(key) != expected:
            problems.append(f"chatdb-config {key} is {config.get(key)}, expected {expected}")
    return problems


# --- scaling ----------------------------------------------------------------------------------

def scaling(docs):
    problems = []
    for name, replicas in REPLICAS.items():
        dep = find(docs, "Deployment", name, SERVICES_NAMESPACE)
        if dep["spec"].get("replicas") != replicas:
            problems.append(f"{ident(dep)}: {dep['spec'].get('replicas')} replicas, the guide says {replicas}")
    hpas = [h for h in of_kind(docs, "HorizontalPodAutoscaler")
            if h["spec"]["scaleTargetRef"].get("name") == "training-orchestrator"]
    if len(hpas) != 1:
        problems.append("training-orchestrator: expected one HorizontalPodAutoscaler")
    else:
        spec = hpas[0]["spec"]
        cpu = [m["resource"]["target"].get("averageUtilization") for m in spec.get("metrics", [])
               if m.get("type") == "Resource" and m["resource"]["name"] == "cpu"]
        if (spec.get("minReplicas"), spec.get("maxReplicas"), cpu) != (2, 10, [70]):
            problems.append(f"training-orchestrator HPA: {spec.get('minReplicas')}-{spec.get('maxReplicas')} "
                            f"at {cpu}% CPU, expected 2-10 at 70%")
        if spec["scaleTargetRef"].get("kind") != "Deployment":
            problems.append("training-orchestrator HPA does not target a Deployment")
    pdbs = of_kind(docs, "PodDisruptionBudget")
    for name, replicas in REPLICAS.items():
        labels = pod_template(find(docs, "Deployment", name, SERVICES_NAMESPACE))["metadata"]["labels"]
        covering = [p for p in pdbs if ns_of(p) == SERVICES_NAMESPACE and selector_matches(p["spec"].get("selector"), labels)]
        if replicas >= 2 and len(covering) != 1:
            problems.append(f"{name}: {replicas} replicas need one PodDisruptionBudget, found {len(covering)}")
        if replicas < 2 and covering:
            problems.append(f"{name}: a PodDisruptionBudget on a single replica blocks node drains")
        for p in covering:
            if p["spec"].get("minAvailable", 0) >= replicas:
                problems.append(f"{ident(p)}: minAvailable {p['spec'].get('minAvailable')} allows no disruption")
    return problems


def api_keys(docs):
    """Every service pod mounts the chatdb-api-keys Secret as a directory (so updates reach it)
    where CHATDB_API_KEYS_FILE points; the Secret's file is keys JSON holding hashes only; the
    ingress keeps the Authorization header (no configuration snippet touching it)."""
    problems = []
    keys_file = config_map_data(docs, SERVICES_NAMESPACE, "chatdb-config").get("CHATDB_API_KEYS_FILE", "")
    if not keys_file:
        problems.append("chatdb-config sets no CHATDB_API_KEYS_FILE")
    for w, spec, _ in workloads(docs):
        if ns_of(w) != SERVICES_NAMESPACE or w.get("kind") != "Deployment":
            continue
        volumes = {v["name"]: v for v in spec.get("volumes", []) or []}
        for c in containers(spec, init=False):
            mount = next((m for m in c.get("volumeMounts", []) or []
                          if (volumes.get(m["name"], {}).get("secret") or {}).get("secretName") == "chatdb-api-keys"), None)
            if mount is None:
                problems.append(f"{ident(w)}: does not mount the chatdb-api-keys Secret")
                continue
            if "subPath" in mount:
                problems.append(f"{ident(w)}: mounts chatdb-api-keys with subPath, which never sees an update")
            if not keys_file.startswith(mount["mountPath"].rstrip("/") + "/"):
                problems.append(f"{ident(w)}: CHATDB_API_KEYS_FILE {keys_file} is not under {mount['mountPath']}")
    try:
        doc = json.loads(secret_data(docs, SERVICES_NAMESPACE, "chatdb-api-keys").get("api-keys", ""))
        keys = doc["keys"]
        for k in keys:
            if not re.fullmatch(r"[0-9a-f]{64}", k.get("sha256", "")) or "token" in k:
                problems.append(f"chatdb-api-keys: key {k.get('name')} is not stored as a sha256 hash only")
    except (ValueError, KeyError, TypeError, AttributeError):
        problems.append("chatdb-api-keys api-keys is not a keys file ({\"keys\": [...]})")
    for ing in of_kind(docs, "Ingress"):
        snippets = " ".join(v for k, v in (ing["metadata"].get("annotations") or {}).items() if "snippet" in k)
        if "authorization" in snippets.lower():
            problems.append(f"{ident(ing)}: a snippet touches the Authorization header")
    return problems
