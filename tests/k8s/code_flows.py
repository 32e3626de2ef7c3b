"""The connections each ChatDB service opens, derived from the code and the manifests rather than
written down by hand.

1. The code: src/main.cpp's `service_table` builds each service from the settings and backends it
   needs. Each entry's `config.<field>` and `backends.<member>` (directly, or through a helper of
   main.cpp such as make_query_engine -> make_catalog) are the settings the service uses; each
   field is mapped to its environment variable by src/common/config.cpp's
   `field(&Config::<field>, "<VARIABLE>", ...)`, and each backend to the setting make_backends
   builds it from. Tracing: when main.cpp's `serve` (which runs every service) sets tracing up
   from the environment, every service also uses the endpoint variables that
   src/tracing/tracing_config.cpp reads (OTEL_EXPORTER_OTLP_ENDPOINT, ..._TRACES_ENDPOINT), which
   may be unset (tracing is then off).
2. The manifests: the value of each such variable in the service's rendered pod (env, envFrom,
   ConfigMaps and Secrets) names host:port endpoints (URLs, Kafka bootstrap lists, the JSON of
   CHATDB_DATA_SOURCES); a host is a Service (`name.namespace.svc[.cluster.local]`), whose
   selector and targetPort give the workload and the container port.

The result, (caller, callee, "port/TCP") per endpoint, is what the NetworkPolicies must allow.
"""
import json
import os
import re
from urllib.parse import urlsplit

from manifests import (ROOT, SERVICES_NAMESPACE, config_map_data, name_of, ns_of, of_kind, resolve_port,
                       secret_data, selector_matches, workloads)

MAIN_CPP = os.path.join(ROOT, "src", "main.cpp")
CONFIG_CPP = os.path.join(ROOT, "src", "common", "config.cpp")
TRACING_CONFIG_CPP = os.path.join(ROOT, "src", "tracing", "tracing_config.cpp")

# Settings that name a place on the network, and how their value lists endpoints.
NETWORK_SETTINGS = {"DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS", "S3_ENDPOINT", "CHATDB_DATA_SOURCES",
                    "TRAINING_ORCHESTRATOR_URL", "QUERY_PARSER_URL", "ML_ENGINE_URL", "MODEL_REGISTRY_URL",
                    "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"}
# Settings a pod may leave unset (the feature is then off).
OPTIONAL_SETTINGS = {"OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"}
DEFAULT_PORTS = {"http": 80, "https": 443, "postgresql": 5432, "postgres": 5432, "kafka": 9092}
# The backends of make_backends, and the Config field each is built from.
BACKEND_FIELDS = {"metadata": "database_url", "bus": "bus_url", "artifacts": "s3_endpoint"}
# Fields that stand for others: the bus URL defaults to Kafka's brokers; url_of(name) reads the
# *_URL setting of each service it is given (test-service: every other one).
IMPLIED_FIELDS = {"bus_url": {"kafka_bootstrap_servers"},
                  "url_of": {"training_orchestrator_url", "query_parser_url", "ml_engine_url", "model_registry_url"}}


def _read(path):
    with open(path) as f:
        return f.read()


def functions(source):
    """{name: body} of the top-level functions of a C++ file (brace matching, enough for main.cpp)."""
    out = {}
    for m in re.finditer(r"^[A-Za-z][\w:<>,\s\*&]*?\b(\w+)\(((?:[^;{}]|\{\})*?)\)\s*(?:const\s*)?\{", source, re.M):
        depth, i = 1, m.end()
        while depth and i < len(source):
            depth += {"{": 1, "}": -1}.get(source[i], 0)
            i += 1
        out.setdefault(m.group(1), source[m.end():i])
    return out


def service_names_by_class():
    """{'orchestrator::TrainingOrchestrator': 'training-orchestrator', ...} from each kName."""
    out = {}
    src = os.path.join(ROOT, "src")
    for ns in os.listdir(src):
        d = os.path.join(src, ns)
        if not os.path.isdir(d):
            continue
        for name in os.listdir(d):
            if name.endswith(".h"):
                text = _read(os.path.join(d, name))
                for cls, body in re.findall(r"class (\w+)[^;{]*\{(.*?)\n\};", text, re.S):
                    m = re.search(r'kName = "([a-z-]+)"', body)
                    if m:
                        out[f"{ns}::{cls}"] = m.group(1)
    return out


def config_fields():
    """{Config field: environment variable} from src/common/config.cpp."""
    return dict(re.findall(r'field\(&Config::(\w+),\s*"([A-Z0-9_]+)"', _read(CONFIG_CPP)))


def _uses(body, funcs, seen):
    """config fields and backends a body uses, following calls to other functions of main.cpp."""
    fields = set(re.findall(r"\bconfig\.(\w+)", body))
    backends = set(re.findall(r"\bbackends\.(\w+)", body))
    for callee in set(re.findall(r"\b(\w+)\(", body)):
        if callee in funcs and callee not in seen:
            seen.add(callee)
            f, b = _uses(funcs[callee], funcs, seen)
            fields |= f
            backends |= b
    return fields, backends


def settings_by_service(source=None):
    """{service: {VARIABLE, ...}}: the network settings each service's code uses (source: the
    text of src/main.cpp, read when not given)."""
    source = _read(MAIN_CPP) if source is None else source
    funcs = functions(source)
    assert "service_table" in funcs and "make_backends" in funcs, "src/main.cpp: service_table/make_backends not found"
    for member, fld in BACKEND_FIELDS.items():
        assert re.search(rf"\bb\.{member}\b", funcs["make_backends"]), f"make_backends builds no '{member}'"
        assert f"config.{fld}" in funcs["make_backends"] or member == "artifacts", \
            f"make_backends no longer builds '{member}' from config.{fld}"
    variables = config_fields()
    classes = service_names_by_class()
    body = funcs["service_table"]
    branches = re.split(r"\{std::string\((\w+::\w+)::kName\),", body)
    out = {}
    for cls, branch in zip(branches[1::2], branches[2::2]):
        service = classes[cls]
        fields, backends = _uses(branch, funcs, {"service_table"})
        fields |= {BACKEND_FIELDS[b] for b in backends if b in BACKEND_FIELDS}
        for f in list(fields):
            fields |= IMPLIED_FIELDS.get(f, set())
        out[service] = {variables[f] for f in fields if f in variables and variables[f] in NETWORK_SETTINGS}
    assert len(out) == 6, f"service_table should build five services and the console, found {sorted(out)}"
    # The console exports no spans in Kubernetes: it gets no configuration there (see console.yaml).
    tracing = tracing_settings(funcs.get("serve", ""))
    for service in out:
        if service != "console":
            out[service] |= tracing
    return out


def tracing_settings(serve_body):
    """The endpoint variables of tracing, when `serve` sets tracing up from the environment."""
    if "TracingConfig::from_environment" not in serve_body:
        return set()
    read = set(re.findall(r'"(OTEL_[A-Z_]+)"', _read(TRACING_CONFIG_CPP)))
    return read & NETWORK_SETTINGS


def pod_env(docs, workload, pod_spec):
    """The environment of a workload's first container, as the kubelet would set it."""
    ns = ns_of(workload)
    env = {}
    container = pod_spec["containers"][0]
    for src in container.get("envFrom", []) or []:
        if "configMapRef" in src:
            env.update(config_map_data(docs, ns, src["configMapRef"]["name"]))
        elif "secretRef" in src:
            env.update(secret_data(docs, ns, src["secretRef"]["name"]))
    for e in container.get("env", []) or []:
        if "value" in e:
            env[e["name"]] = e["value"]
        elif "secretKeyRef" in (e.get("valueFrom") or {}):
            ref = e["valueFrom"]["secretKeyRef"]
            env[e["name"]] = secret_data(docs, ns, ref["name"]).get(ref["key"], "")
        elif "configMapKeyRef" in (e.get("valueFrom") or {}):
            ref = e["valueFrom"]["configMapKeyRef"]
            env[e["name"]] = config_map_data(docs, ns, ref["name"]).get(ref["key"], "")
    return env


def endpoints_of(variable, value):
    """[(host, port)] that a setting's value names."""
    if not value:
        return []
    if variable == "CHATDB_DATA_SOURCES":
        out = []
        for source in json.loads(value).values():
            url = source["url"] if isinstance(source, dict) else source
            out += endpoints_of("DATABASE_URL", url)
        return out
    if variable == "KAFKA_BOOTSTRAP_SERVERS":
        value = value.split("://", 1)[1] if "://" in value else value
        if value in ("", "local"):
            return []
        return [(h, int(p or DEFAULT_PORTS["kafka"])) for h, _, p in (s.strip().partition(":") for s in value.split(","))]
    parts = urlsplit(value)
    if parts.scheme in ("sqlite", "local", "file") or not parts.hostname:
        return []
    return [(parts.hostname, parts.port or DEFAULT_PORTS[parts.scheme])]


def resolve(docs, host, port, caller_ns):
    """A host:port -> [(workload id, container port)] through the Service it names."""
    labels = host.split(".")
    name = labels[0]
    ns = labels[1] if len(labels) > 1 and labels[1] != "svc" else caller_ns
    for svc in of_kind(docs, "Service"):
        if name_of(svc) != name or ns_of(svc) != ns:
            continue
        for p in svc["spec"].get("ports", []):
            if p["port"] != port:
                continue
            out = []
            for w, spec, pod_labels in workloads(docs):
                if ns_of(w) == ns and selector_matches({"matchLabels": svc["spec"].get("selector", {})}, pod_labels):
                    out.append((f"{ns}/{name_of(w)}", resolve_port(spec, p.get("targetPort", port))))
            return out
    return []


def derived_flows(docs, source=None):
    """({(caller, callee, "port/TCP"): [why, ...]}, [problem, ...]) for the five services."""
    flows, problems = {}, []
    pods = {name_of(w): (w, spec) for w, spec, _ in workloads(docs, ("Deployment",)) if ns_of(w) == SERVICES_NAMESPACE}
    for service, variables in sorted(settings_by_service(source).items()):
        if service not in pods:
            problems.append(f"{service}: no Deployment in {SERVICES_NAMESPACE}")
            continue
        w, spec = pods[service]
        env = pod_env(docs, w, spec)
        for variable in sorted(variables):
            if not env.get(variable):
                if variable not in OPTIONAL_SETTINGS:
                    problems.append(f"{service} uses {variable}, which its pod does not set")
                continue
            for host, port in endpoints_of(variable, env[variable]):
                targets = resolve(docs, host, port, ns_of(w))
                if not targets:
                    problems.append(f"{service}: {variable} names {host}:{port}, which is no Service port of a workload")
                for callee, container_port in targets:
                    flows.setdefault((f"{SERVICES_NAMESPACE}/{service}", callee, f"{container_port}/TCP"), []).append(variable)
    return flows, problems
