"""Policy checks on the rendered Minikube overlay, each shown to pass on the real manifests
and to fail on a deliberately broken copy."""
import os
import re

import checks
from manifests import ROOT, SERVICES_NAMESPACE, config_map_data, find, of_kind, pod_template


def deployment(docs, name):
    return find(docs, "Deployment", name, SERVICES_NAMESPACE)


def container(doc, index=0):
    return pod_template(doc)["spec"]["containers"][index]


def has(problems, *words):
    """True when some problem mentions every word."""
    return any(all(w in p for w in words) for p in problems)


# --- probes -----------------------------------------------------------------------------------

def test_every_container_has_probes(docs, table):
    assert checks.probes(docs, table) == []


def test_probes_catch_a_missing_readiness_probe(docs, table):
    del container(deployment(docs, "ml-engine"))["readinessProbe"]
    assert has(checks.probes(docs, table), "ml-engine", "readinessProbe")


def test_probes_catch_a_missing_probe_on_infrastructure(docs, table):
    del container(find(docs, "StatefulSet", "kafka"))["livenessProbe"]
    assert has(checks.probes(docs, table), "kafka", "livenessProbe")


def test_probes_catch_a_wrong_path_or_port(docs, table):
    container(deployment(docs, "query-parser"))["livenessProbe"]["httpGet"]["path"] = "/ready"
    container(deployment(docs, "model-registry"))["readinessProbe"]["httpGet"]["port"] = 8003
    problems = checks.probes(docs, table)
    assert has(problems, "query-parser", "/health")
    assert has(problems, "model-registry", "port")


# --- resources and security -------------------------------------------------------------------

def test_every_container_has_requests_and_limits(docs):
    assert checks.resources(docs) == []


def test_resources_catch_missing_limits_and_request_over_limit(docs):
    del container(find(docs, "Deployment", "grafana"))["resources"]["limits"]["memory"]
    res = container(deployment(docs, "ml-engine"))["resources"]
    res["requests"]["cpu"] = "3"
    problems = checks.resources(docs)
    assert has(problems, "grafana", "limits.memory")
    assert has(problems, "ml-engine", "cpu request 3 exceeds limit")


def test_resources_cover_init_containers(docs):
    init = pod_template(find(docs, "StatefulSet", "elasticsearch"))["spec"]["initContainers"][0]
    del init["resources"]
    assert has(checks.resources(docs), "elasticsearch", "copy-config", "requests.cpu")


def test_every_container_is_hardened(docs):
    assert checks.security(docs) == []


def test_security_catches_each_missing_setting(docs):
    sc = container(deployment(docs, "test-service"))["securityContext"]
    sc["allowPrivilegeEscalation"] = True
    sc["readOnlyRootFilesystem"] = False
    sc["capabilities"] = {"drop": ["NET_RAW"], "add": ["NET_ADMIN"]}
    problems = checks.security(docs)
    for words in (("allowPrivilegeEscalation",), ("readOnlyRootFilesystem",), ("drop ALL",), ("adds",)):
        assert has(problems, "test-service", *words), words


def test_security_catches_root_and_missing_seccomp(docs):
    pod = pod_template(find(docs, "StatefulSet", "postgres"))["spec"]
    pod["securityContext"]["runAsUser"] = 0
    del pod["securityContext"]["seccompProfile"]
    problems = checks.security(docs)
    assert has(problems, "postgres", "runAsNonRoot")
    assert has(problems, "postgres", "seccompProfile")


def test_only_fluent_bit_may_run_as_root(docs):
    pod = pod_template(find(docs, "Deployment", "kibana"))["spec"]
    pod["securityContext"].update(runAsNonRoot=False, runAsUser=0)
    problems = checks.security(docs)
    assert has(problems, "kibana", "runAsNonRoot")
    assert not has(problems, "fluent-bit")


def test_data_dir_is_a_writable_volume(docs):
    assert checks.writable_data_dir(docs) == []
    c = container(deployment(docs, "model-registry"))
    c["volumeMounts"] = [m for m in c["volumeMounts"] if m["mountPath"] != "/var/lib/chatdb"]
    assert has(checks.writable_data_dir(docs), "model-registry", "CHATDB_DATA_DIR")


# --- images -----------------------------------------------------------------------------------

def test_images_are_built_or_pinned(docs, built_images):
    assert checks.images(docs, built_images) == []


def test_images_catch_unbuilt_and_unpinned(docs, built_images):
    container(deployment(docs, "ml-engine"))["image"] = "chatdb/ml-trainer:latest"
    container(find(docs, "StatefulSet", "kafka"))["image"] = "apache/kafka:latest"
    container(find(docs, "Deployment", "grafana"))["image"] = "grafana/grafana"
    problems = checks.images(docs, built_images)
    assert has(problems, "chatdb/ml-trainer", "not built")
    assert has(problems, "apache/kafka:latest", "not pinned")
    assert has(problems, "grafana/grafana", "not pinned")


# --- identities and namespaces ----------------------------------------------------------------

def test_service_accounts_are_per_workload_and_least_privilege(docs):
    assert checks.service_accounts(docs) == []


def test_service_accounts_catch_sharing_default_and_needless_tokens(docs):
    pod_template(deployment(docs, "query-parser"))["spec"]["serviceAccountName"] = "training-orchestrator"
    del pod_template(deployment(docs, "ml-engine"))["spec"]["serviceAccountName"]
    pod_template(find(docs, "Deployment", "prometheus"))["spec"]["automountServiceAccountToken"] = True
    problems = checks.service_accounts(docs)
    assert has(problems, "query-parser", "shares")
    assert has(problems, "ml-engine", "no serviceAccountName")
    assert has(problems, "prometheus", "granted nothing")


def test_service_accounts_catch_broad_rbac(docs):
    role = find(docs, "ClusterRole", "chatdb-fluent-bit")
    role["rules"].append({"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "delete"]})
    problems = checks.service_accounts(docs)
    assert has(problems, "chatdb-fluent-bit", "secrets")
    assert has(problems, "chatdb-fluent-bit", "more than read")


def test_namespaces_are_labelled_and_pods_meet_their_level(docs):
    assert checks.namespaces(docs) == []


def test_namespaces_catch_missing_labels_and_violations(docs):
    ns = find(docs, "Namespace", "chatdb-services")
    del ns["metadata"]["labels"]["pod-security.kubernetes.io/enforce"]
    del ns["metadata"]["labels"]["chatdb.io/tier"]
    logging = find(docs, "Namespace", "chatdb-logging")
    logging["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] = "restricted"
    problems = checks.namespaces(docs)
    assert has(problems, "chatdb-services", "pod-security")
    assert has(problems, "chatdb-services", "tier")
    assert has(problems, "fluent-bit", "hostPath")


def test_namespaces_catch_a_needlessly_privileged_namespace(docs):
    find(docs, "Namespace", "chatdb-monitoring")["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] = "privileged"
    assert has(checks.namespaces(docs), "chatdb-monitoring", "none of its pods needs it")


# --- services, ports, ingress, Prometheus -----------------------------------------------------

def test_every_service_selects_a_pod_template(docs):
    assert checks.service_selectors(docs) == []


def test_service_selectors_catch_typos(docs):
    find(docs, "Service", "minio", "chatdb-system")["spec"]["selector"] = {"app.kubernetes.io/name": "mini0"}
    find(docs, "Service", "kibana")["spec"]["ports"][0]["targetPort"] = "web"
    problems = checks.service_selectors(docs)
    assert has(problems, "Service/chatdb-system/minio", "matches no pod")
    assert has(problems, "kibana", "targetPort web")


def test_ports_agree_with_the_service_table(docs, table):
    assert checks.service_ports(docs, table) == []


def test_ports_catch_each_disagreement(docs, table):
    container(deployment(docs, "ml-engine"))["ports"][0]["containerPort"] = 8080
    find(docs, "Service", "query-parser", SERVICES_NAMESPACE)["spec"]["ports"][0]["port"] = 80
    cm = next(c for c in of_kind(docs, "ConfigMap") if c["metadata"]["name"].startswith("chatdb-config"))
    cm["data"]["MODEL_REGISTRY_PORT"] = "8005"
    cm["data"]["TRAINING_ORCHESTRATOR_URL"] = "http://training-orchestrator.chatdb-services.svc:9000"
    container(deployment(docs, "test-service"))["args"] = ["serve", "query-parser"]
    problems = checks.service_ports(docs, table)
    assert has(problems, "ml-engine", "8080")
    assert has(problems, "Service/chatdb-services/query-parser", "[80]")
    assert has(problems, "MODEL_REGISTRY_PORT")
    assert has(problems, "TRAINING_ORCHESTRATOR_URL")
    assert has(problems, "test-service", "runs")


def test_ingress_routes_every_path_without_rewrite(docs, table):
    assert checks.ingress(docs, table) == []


def test_ingress_catches_a_rewrite_and_an_exact_path(docs, table):
    ing = find(docs, "Ingress", "chatdb")
    ing["metadata"].setdefault("annotations", {})["nginx.ingress.kubernetes.io/rewrite-target"] = "/$2"
    ing["spec"]["rules"][0]["http"]["paths"][0]["pathType"] = "Exact"
    problems = checks.ingress(docs, table)
    assert has(problems, "rewrite-target")
    assert has(problems, "/api/v1/jobs/42 goes to console")


def console_routes():
    """{prefix: service} that the web console forwards (src/console/api_route.cpp)."""
    with open(os.path.join(ROOT, "src", "console", "api_route.cpp")) as f:
        routes = dict(re.findall(r'\{"(/api/v1/[a-z-]+)", "([a-z-]+)",', f.read()))
    assert len(routes) >= 5, "could not read src/console/api_route.cpp"
    return routes


def ingress_api_paths(docs):
    paths = find(docs, "Ingress", "chatdb")["spec"]["rules"][0]["http"]["paths"]
    return {p["path"]: p["backend"]["service"]["name"] for p in paths if p["path"].startswith("/api/v1/")}


def test_the_console_forwards_exactly_the_ingress_api_paths(docs):
    # `chatdb up` serves the page and the API on one origin as the ingress does.
    assert console_routes() == ingress_api_paths(docs)
    paths = find(docs, "Ingress", "chatdb")["spec"]["rules"][0]["http"]["paths"]
    del paths[[p["path"] for p in paths].index("/api/v1/schema")]
    assert console_routes() != ingress_api_paths(docs)


def test_ingress_catches_a_wrong_backend(docs, table):
    paths = find(docs, "Ingress", "chatdb")["spec"]["rules"][0]["http"]["paths"]
    predict = next(p for p in paths if p["path"] == "/api/v1/predict")
    predict["backend"]["service"] = {"name": "model-registry", "port": {"number": 8004}}
    test = next(p for p in paths if p["path"] == "/test")
    test["backend"]["service"]["port"]["number"] = 8000
    problems = checks.ingress(docs, table)
    assert has(problems, "/api/v1/predict goes to model-registry")
    assert has(problems, "test-service:8000")


def test_prometheus_scrapes_every_service_on_its_port(docs, table):
    assert checks.prometheus_targets(docs, table) == []


def test_prometheus_targets_catch_a_wrong_port_and_service(docs, table):
    cm = next(c for c in of_kind(docs, "ConfigMap") if c["metadata"]["name"].startswith("prometheus-config"))
    text = cm["data"]["prometheus.yml"]
    text = text.replace("port: 8003", "port: 8030")
    text = text.replace("query-parser-pods.chatdb-services", "query-parser.chatdb-services")
    cm["data"]["prometheus.yml"] = text
    problems = checks.prometheus_targets(docs, table)
    assert has(problems, "job ml-engine", "8030")
    assert has(problems, "job query-parser", "not headless")


def test_prometheus_targets_catch_a_missing_job(docs, table):
    cm = next(c for c in of_kind(docs, "ConfigMap") if c["metadata"]["name"].startswith("prometheus-config"))
    cm["data"]["prometheus.yml"] = cm["data"]["prometheus.yml"].replace("job_name: model-registry", "job_name: registry")
    assert has(checks.prometheus_targets(docs, table), "no scrape job model-registry")


# --- configuration ----------------------------------------------------------------------------

def test_every_referenced_config_map_and_secret_key_exists(docs):
    assert checks.config_refs(docs) == []


def test_config_refs_catch_missing_objects_and_keys(docs):
    env = container(deployment(docs, "ml-engine"))["env"]
    next(e for e in env if e["name"] == "AWS_SECRET_ACCESS_KEY")["valueFrom"]["secretKeyRef"]["key"] = "AWS_SECRET_KEY"
    container(deployment(docs, "query-parser"))["envFrom"][0]["configMapRef"]["name"] = "chatdb-configuration"
    grafana = pod_template(find(docs, "Deployment", "grafana"))["spec"]
    next(v for v in grafana["volumes"] if v["name"] == "dashboards")["configMap"]["items"] = [
        {"key": "missing.json", "path": "missing.json"}]
    problems = checks.config_refs(docs)
    assert has(problems, "ml-engine", "no key AWS_SECRET_KEY")
    assert has(problems, "query-parser", "chatdb-configuration does not exist")
    assert has(problems, "grafana", "no key missing.json")


def test_credentials_are_not_in_config_maps(docs):
    assert checks.no_credentials_in_config_maps(docs) == []
    cm = next(c for c in of_kind(docs, "ConfigMap") if c["metadata"]["name"].startswith("chatdb-config"))
    cm["data"]["DATABASE_URL"] = "postgresql://chatdb:pw@postgres:5432/chatdb"
    cm["data"]["AWS_SECRET_ACCESS_KEY"] = "x"
    problems = checks.no_credentials_in_config_maps(docs)
    assert has(problems, "DATABASE_URL")
    assert has(problems, "AWS_SECRET_ACCESS_KEY")


def test_every_variable_is_a_chatdb_setting(docs, settings):
    assert checks.known_settings(docs, settings) == []


def test_settings_catch_a_misspelled_variable(docs, settings):
    cm = next(c for c in of_kind(docs, "ConfigMap") if c["metadata"]["name"].startswith("chatdb-config"))
    cm["data"]["KAFKA_BOOTSTRAP_SERVER"] = cm["data"].pop("KAFKA_BOOTSTRAP_SERVERS")
    cm["data"]["CHATDB_HOST"] = "127.0.0.1"
    problems = checks.known_settings(docs, settings)
    assert has(problems, "KAFKA_BOOTSTRAP_SERVER ")
    assert has(problems, "CHATDB_HOST")


def test_setup_jobs_create_what_the_services_use(docs):
    assert checks.dependencies_agree(docs) == []


def test_dependencies_catch_a_missing_topic_bucket_and_password(docs):
    topics = find(docs, "Job", "kafka-topics")
    env = container(topics)["env"]
    next(e for e in env if e["name"] == "TOPICS")["value"] = "queries query_results training_jobs predictions"
    next(e for e in container(find(docs, "Job", "minio-bucket"))["env"] if e["name"] == "BUCKET")["value"] = "models"
    find(docs, "Secret", "postgres-credentials")["stringData"]["POSTGRES_PASSWORD"] = "changed"
    problems = checks.dependencies_agree(docs)
    assert has(problems, "kafka-topics creates")
    assert has(problems, "minio-bucket creates models")
    assert has(problems, "DATABASE_URL")


def test_dependencies_catch_a_data_source_that_is_not_the_read_only_role(docs):
    secret = find(docs, "Secret", "chatdb-secrets", SERVICES_NAMESPACE)["stringData"]
    secret["CHATDB_DATA_SOURCES"] = secret["CHATDB_DATA_SOURCES"].replace("chatdb_reader:", "chatdb:")
    assert has(checks.dependencies_agree(docs), "data source demo", "read-only role")


def test_dependencies_catch_a_cpu_capacity_beyond_ml_engine(docs):
    cm = next(c for c in of_kind(docs, "ConfigMap") if c["metadata"]["name"].startswith("chatdb-config"))
    cm["data"]["CHATDB_CPU_CAPACITY"] = "8"
    assert has(checks.dependencies_agree(docs), "CHATDB_CPU_CAPACITY")


def test_dependencies_catch_a_topic_outside_the_design(docs):
    cm = next(c for c in of_kind(docs, "ConfigMap") if c["metadata"]["name"].startswith("chatdb-config"))
    cm["data"]["RESULT_TOPIC"] = "results"
    assert has(checks.dependencies_agree(docs), "not the design's")


# --- scaling ----------------------------------------------------------------------------------

def test_replicas_hpa_and_disruption_budgets(docs):
    assert checks.scaling(docs) == []


def test_scaling_catches_wrong_replicas_hpa_and_budgets(docs):
    deployment(docs, "query-parser")["spec"]["replicas"] = 1
    find(docs, "HorizontalPodAutoscaler", "training-orchestrator")["spec"]["maxReplicas"] = 5
    docs.remove(find(docs, "PodDisruptionBudget", "model-registry"))
    problems = checks.scaling(docs)
    assert has(problems, "query-parser", "1 replicas")
    assert has(problems, "HPA", "2-5")
    assert has(problems, "model-registry", "found 0")


def test_scaling_catches_a_budget_that_blocks_drains(docs):
    find(docs, "PodDisruptionBudget", "query-parser")["spec"]["minAvailable"] = 2
    assert has(checks.scaling(docs), "query-parser", "allows no disruption")


def test_config_map_helper_finds_hashed_names(docs):
    assert config_map_data(docs, SERVICES_NAMESPACE, "chatdb-config")["S3_BUCKET"] == "model-artifacts"


# --- API keys ---------------------------------------------------------------------------------

def test_every_service_mounts_the_api_keys_secret(docs):
    assert checks.api_keys(docs) == []


def test_api_keys_catch_a_missing_or_subpath_mount(docs):
    del container(deployment(docs, "query-parser"))["volumeMounts"][-1]
    container(deployment(docs, "model-registry"))["volumeMounts"][-1]["subPath"] = "api-keys"
    problems = checks.api_keys(docs)
    assert has(problems, "query-parser", "does not mount")
    assert has(problems, "model-registry", "subPath")


def test_api_keys_catch_a_token_in_the_secret(docs):
    find(docs, "Secret", "chatdb-api-keys", SERVICES_NAMESPACE)["stringData"]["api-keys"] = \
        '{"keys": [{"name": "ci", "sha256": "chatdb_0123", "scopes": ["read"]}]}'
    assert has(checks.api_keys(docs), "ci", "sha256")
