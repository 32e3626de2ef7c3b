"""Monitoring and logging: `promtool check config` (and rules) on the Prometheus configuration
as deployed, dashboard and alert queries that use only metrics the services export, Grafana's
provisioning wired to Prometheus, and Fluent Bit shipping the ChatDB namespaces' logs to the
Elasticsearch Service."""
import json
import os
import re
import subprocess

import pytest
import yaml

import metrics
from manifests import ROOT, config_map_data, find, name_of, pod_template

MONITORING = "chatdb-monitoring"


def promtool(*args):
    return subprocess.run(["promtool", *args], capture_output=True, text=True)


def write_prometheus_files(docs, directory):
    """The prometheus-config ConfigMap's files, as Prometheus sees them in /etc/prometheus."""
    for key, text in config_map_data(docs, MONITORING, "prometheus-config").items():
        (directory / key).write_text(text)
    return directory / "prometheus.yml"


def test_promtool_accepts_the_deployed_config(docs, tmp_path):
    result = promtool("check", "config", str(write_prometheus_files(docs, tmp_path)))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "rule files found" in result.stdout  # the alert rules were read and checked too


def test_promtool_rejects_a_broken_config(docs, tmp_path):
    cm = config_map_data(docs, MONITORING, "prometheus-config")
    cm["prometheus.yml"] = cm["prometheus.yml"].replace("scrape_interval: 15s", "scrape_intervall: 15s", 1)
    result = promtool("check", "config", str(write_prometheus_files(docs, tmp_path)))
    assert result.returncode != 0 and "scrape_intervall" in result.stdout + result.stderr


def test_promtool_rejects_a_broken_rule(docs, tmp_path):
    cm = config_map_data(docs, MONITORING, "prometheus-config")
    cm["alerts.yml"] = cm["alerts.yml"].replace("chatdb_probe_up == 0", "chatdb_probe_up == = 0")
    result = promtool("check", "config", str(write_prometheus_files(docs, tmp_path)))
    assert result.returncode != 0


def test_prometheus_mounts_its_config_where_its_flags_point(docs):
    pod = pod_template(find(docs, "Deployment", "prometheus", MONITORING))["spec"]
    c = pod["containers"][0]
    config_flag = next(a for a in c["args"] if a.startswith("--config.file="))
    mount = next(m for m in c["volumeMounts"] if m["name"] == "config")
    assert os.path.dirname(config_flag.split("=", 1)[1]) == mount["mountPath"]
    volume = next(v for v in pod["volumes"] if v["name"] == "config")
    assert volume["configMap"]["name"].startswith("prometheus-config")


# --- metric names -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def exported():
    names = metrics.exported_names(os.path.join(ROOT, "src"))
    assert "chatdb_http_requests_total" in names, "could not find the metrics registered in src/"
    return names


def dashboard(docs):
    return json.loads(config_map_data(docs, MONITORING, "grafana-dashboards")["chatdb-dashboard.json"])


def alert_exprs(docs):
    rules = yaml.safe_load(config_map_data(docs, MONITORING, "prometheus-config")["alerts.yml"])
    return [r["expr"] for g in rules["groups"] for r in g["rules"]]


def test_dashboard_covers_the_required_views(docs):
    text = " ".join(metrics.dashboard_exprs(dashboard(docs)))
    titles = " ".join(p["title"].lower() for p in dashboard(docs)["panels"])
    for what in ("request rate", "error", "latency", "query-parser latency", "jobs by state", "queue depth"):
        assert what in titles, what
    assert 'service="query-parser"' in text


def test_dashboard_uses_only_exported_metrics(docs, exported):
    exprs = metrics.dashboard_exprs(dashboard(docs))
    assert exprs
    assert metrics.unknown_metrics(exprs, exported) == []


def test_alerts_use_only_exported_metrics(docs, exported):
    assert metrics.unknown_metrics(alert_exprs(docs), exported) == []


def test_an_unexported_metric_fails(docs, exported):
    d = dashboard(docs)
    d["panels"][2]["targets"][0]["expr"] = 'sum by (state) (chatdb_jobs_in_state{service="x"})'
    d["panels"].append({"type": "row", "panels": [{"targets": [{"expr": "rate(chatdb_http_request_total[5m])"}]}]})
    problems = metrics.unknown_metrics(metrics.dashboard_exprs(d), exported)
    assert any("chatdb_jobs_in_state" in p for p in problems)
    assert any("chatdb_http_request_total " in p for p in problems)  # singular: a typo


def test_metric_name_reader():
    expr = ('histogram_quantile(0.95, sum by (service, le) (rate(chatdb_http_request_duration_seconds_bucket'
            '{service="query-parser", route=~"/api/v1/.*"}[$__rate_interval]))) / on(service) group_left '
            'max by (service) (process_start_time_seconds offset 5m) and time() - foo_seconds')
    assert metrics.promql_metric_names(expr) == {"chatdb_http_request_duration_seconds_bucket",
                                                 "process_start_time_seconds", "foo_seconds"}


# --- Grafana provisioning ---------------------------------------------------------------------

def test_grafana_datasource_and_dashboards_are_wired(docs):
    sources = yaml.safe_load(config_map_data(docs, MONITORING, "grafana-provisioning-datasources")["datasources.yaml"])
    prom = next(s for s in sources["datasources"] if s["type"] == "prometheus")
    assert re.fullmatch(r"http://prometheus\.chatdb-monitoring\.svc(\.cluster\.local)?:9090", prom["url"])
    assert find(docs, "Service", "prometheus", MONITORING)["spec"]["ports"][0]["port"] == 9090
    uids = {p["datasource"]["uid"] for p in dashboard(docs)["panels"] if "datasource" in p}
    assert uids == {prom["uid"]}
    providers = yaml.safe_load(config_map_data(docs, MONITORING, "grafana-provisioning-dashboards")["dashboards.yaml"])
    pod = pod_template(find(docs, "Deployment", "grafana", MONITORING))["spec"]
    mounts = {m["mountPath"]: m["name"] for m in pod["containers"][0]["volumeMounts"]}
    volumes = {v["name"]: v for v in pod["volumes"]}
    for p in providers["providers"]:
        volume = volumes[mounts[p["options"]["path"]]]
        assert volume["configMap"]["name"].startswith("grafana-dashboards")


# --- logging ----------------------------------------------------------------------------------

def fluent_bit_problems(docs):
    conf = config_map_data(docs, "chatdb-logging", "fluent-bit-config")["fluent-bit.conf"]
    sections = re.findall(r"^\[(\w+)\]\n((?:[ \t]+\S.*\n?)+)", conf, re.M)
    parsed = [(kind, dict(re.split(r"\s+", line.strip(), maxsplit=1) for line in body.splitlines()
                          if line.strip() and not line.strip().startswith("#"))) for kind, body in sections]
    problems = []
    tail = [s for k, s in parsed if k == "INPUT" and s.get("Name") == "tail"]
    if not tail or "chatdb-" not in tail[0].get("Path", ""):
        problems.append("no tail input on the chatdb-* namespaces' container logs")
    k8s = [s for k, s in parsed if k == "FILTER" and s.get("Name") == "kubernetes"]
    if not k8s or k8s[0].get("Merge_Log") != "On":
        problems.append("the kubernetes filter does not merge the services' JSON log lines (Merge_Log On)")
    es = [s for k, s in parsed if k == "OUTPUT" and s.get("Name") == "es"]
    if not es:
        return problems + ["no Elasticsearch output"]
    host, port = es[0].get("Host", ""), int(es[0].get("Port", 9200))
    m = re.fullmatch(r"([a-z0-9-]+)\.([a-z0-9-]+)\.svc(\.cluster\.local)?", host)
    try:
        svc = find(docs, "Service", m.group(1), m.group(2)) if m else None
    except KeyError:
        svc = None
    if svc is None or port not in [p["port"] for p in svc["spec"]["ports"]]:
        problems.append(f"Elasticsearch output {host}:{port} is not a Service of the deployment")
    ds = find(docs, "DaemonSet", "fluent-bit", "chatdb-logging")
    mounts = {m["mountPath"] for m in pod_template(ds)["spec"]["containers"][0]["volumeMounts"]}
    db = tail[0].get("DB", "") if tail else ""
    if db and os.path.dirname(db) not in mounts:
        problems.append(f"tail DB {db} is not on a writable volume")
    return problems


def test_fluent_bit_ships_chatdb_logs_to_elasticsearch(docs):
    assert fluent_bit_problems(docs) == []


def test_fluent_bit_check_catches_a_wrong_host_and_missing_merge(docs):
    cm = config_map_data(docs, "chatdb-logging", "fluent-bit-config")
    cm["fluent-bit.conf"] = (cm["fluent-bit.conf"].replace("elasticsearch.chatdb-logging.svc", "elastic.chatdb-logging.svc")
                             .replace("Merge_Log           On", "Merge_Log           Off"))
    problems = fluent_bit_problems(docs)
    assert any("elastic.chatdb-logging.svc" in p for p in problems)
    assert any("Merge_Log" in p for p in problems)


def test_kibana_reads_the_elasticsearch_service(docs):
    env = pod_template(find(docs, "Deployment", "kibana", "chatdb-logging"))["spec"]["containers"][0]["env"]
    hosts = json.loads(next(e["value"] for e in env if e["name"] == "ELASTICSEARCH_HOSTS"))
    assert hosts == ["http://elasticsearch.chatdb-logging.svc:9200"]
    assert name_of(find(docs, "Service", "elasticsearch", "chatdb-logging")) == "elasticsearch"
