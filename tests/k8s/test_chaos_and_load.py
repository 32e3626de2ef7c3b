"""chaos/ (the guide's PodChaos and NetworkChaos, and a pod-kill of ml-engine) targets pods that
the deployment has; Locust runs as the guide's master (svc/locust-master, 8089 and 5557) and
workers, on the ConfigMap locust-scripts, which is locust/ and which Locust can load."""
import copy
import os
import subprocess

import pytest

from manifests import ROOT, config_map_data, find, load_yaml_dir, ns_of, selector_matches, workloads

CHAOS = os.path.join(ROOT, "chaos")
LOCUST = os.path.join(ROOT, "locust")
LOCUSTFILE = os.path.join(LOCUST, "locustfile.py")
TESTING = "chatdb-testing"


@pytest.fixture
def chaos():
    return load_yaml_dir(CHAOS)


def targets(rendered, selector):
    """The workloads whose pods a Chaos Mesh selector picks."""
    out = []
    for w, _, labels in workloads(rendered):
        if selector.get("namespaces") and ns_of(w) not in selector["namespaces"]:
            continue
        if selector_matches({"matchLabels": selector.get("labelSelectors") or {},
                             "matchExpressions": selector.get("expressionSelectors") or []}, labels):
            out.append(w["metadata"]["name"])
    return sorted(out)


def chaos_problems(chaos, rendered):
    problems = []
    for c in chaos:
        picked = targets(rendered, c["spec"]["selector"])
        if not picked:
            problems.append(f"{c['kind']} {c['metadata']['name']} selects no pod of the deployment")
    delays = [c for c in chaos if c["kind"] == "NetworkChaos" and c["spec"].get("action") == "delay"]
    if not any(d["spec"].get("delay", {}).get("latency") == "100ms" and d["spec"]["delay"].get("jitter") == "10ms"
               for d in delays):
        problems.append("no NetworkChaos adds the guide's 100ms +- 10ms delay")
    kills = [c for c in chaos if c["kind"] == "PodChaos" and c["spec"].get("action") == "pod-kill"]
    if not any(targets(rendered, k["spec"]["selector"]) == ["ml-engine"] for k in kills):
        problems.append("no PodChaos pod-kill targets exactly ml-engine")
    if not any(c["kind"] == "PodChaos" and c["spec"].get("action") == "pod-failure" for c in chaos):
        problems.append("no PodChaos pod-failure experiment")
    return problems


def test_chaos_experiments_target_the_deployment(chaos, rendered):
    assert chaos_problems(chaos, rendered) == []


def test_chaos_check_catches_a_selector_typo_and_wrong_delay(chaos, rendered):
    broken = copy.deepcopy(chaos)
    kill = next(c for c in broken if c["metadata"]["name"] == "ml-engine-pod-kill")
    kill["spec"]["selector"]["labelSelectors"]["app.kubernetes.io/name"] = "ml_engine"
    delay = next(c for c in broken if c["kind"] == "NetworkChaos")
    delay["spec"]["delay"]["jitter"] = "50ms"
    problems = chaos_problems(broken, rendered)
    assert "PodChaos ml-engine-pod-kill selects no pod of the deployment" in problems
    assert "no PodChaos pod-kill targets exactly ml-engine" in problems
    assert "no NetworkChaos adds the guide's 100ms +- 10ms delay" in problems


def test_chaos_check_catches_a_kill_of_too_much(chaos, rendered):
    kill = next(c for c in chaos if c["metadata"]["name"] == "ml-engine-pod-kill")
    kill["spec"]["selector"]["labelSelectors"] = {"app.kubernetes.io/component": "service"}
    assert "no PodChaos pod-kill targets exactly ml-engine" in chaos_problems(chaos, rendered)


# --- Locust -----------------------------------------------------------------------------------

def locust_list(path):
    return subprocess.run(["locust", "-f", path, "--list"], capture_output=True, text=True, timeout=60)


def test_locust_scripts_config_map_is_the_locust_directory(rendered):
    files = {}
    for name in sorted(os.listdir(LOCUST)):
        if name.endswith(".py"):
            with open(os.path.join(LOCUST, name)) as f:
                files[name] = f.read()
    assert "locustfile.py" in files
    assert config_map_data(rendered, TESTING, "locust-scripts") == files, \
        "kubernetes/testing/locust-scripts.yaml differs from locust/: run scripts/locust-configmap.sh"


def arg(container, flag):
    args = container.get("args", [])
    return args[args.index(flag) + 1] if flag in args else None


def locust_problems(docs):
    """The master/worker pair: svc/locust-master serves the master's web UI (8089) and its worker
    port (5557), selects the master and nothing else, and the workers dial that Service's port."""
    problems = []
    svc = find(docs, "Service", "locust-master", TESTING)
    master = find(docs, "Deployment", "locust-master", TESTING)
    worker = find(docs, "Deployment", "locust-worker", TESTING)
    ports = {p["name"]: p for p in svc["spec"]["ports"]}
    if {n: p["port"] for n, p in ports.items()} != {"web": 8089, "master": 5557}:
        problems.append(f"svc/locust-master ports {ports}")
    selected = [w["metadata"]["name"] for w, _, labels in workloads(docs)
                if ns_of(w) == TESTING and selector_matches({"matchLabels": svc["spec"]["selector"]}, labels)]
    if selected != ["locust-master"]:
        problems.append(f"svc/locust-master selects {selected}")
    mc = master["spec"]["template"]["spec"]["containers"][0]
    named = {p["name"]: p["containerPort"] for p in mc.get("ports", [])}
    for name, p in ports.items():
        if named.get(p["targetPort"]) != p["port"]:
            problems.append(f"svc/locust-master port {name} -> {p['targetPort']}, the master has {named}")
    if "--master" not in mc["args"] or arg(mc, "--master-bind-port") != "5557" or arg(mc, "--web-port") != "8089":
        problems.append(f"the master runs {mc['args']}")
    wc = worker["spec"]["template"]["spec"]["containers"][0]
    host = arg(wc, "--master-host") or ""
    if "--worker" not in wc["args"] or host.split(".")[0] != "locust-master" \
            or host not in ("locust-master", f"locust-master.{TESTING}", f"locust-master.{TESTING}.svc",
                            f"locust-master.{TESTING}.svc.cluster.local"):
        problems.append(f"the workers run {wc['args']}")
    if arg(wc, "--master-port") != str(ports.get("master", {}).get("port")):
        problems.append(f"the workers dial port {arg(wc, '--master-port')}")
    if worker["spec"].get("replicas", 1) < 1:
        problems.append("no worker")
    return problems


def test_locust_runs_as_the_guides_master_and_workers(docs):
    assert locust_problems(docs) == []


@pytest.mark.parametrize("breakage", ["worker-host", "worker-port", "service-port", "selector"])
def test_a_broken_locust_pair_is_caught(docs, breakage):
    worker = find(docs, "Deployment", "locust-worker", TESTING)["spec"]["template"]["spec"]["containers"][0]
    svc = find(docs, "Service", "locust-master", TESTING)
    if breakage == "worker-host":
        worker["args"][worker["args"].index("--master-host") + 1] = "locust"
    elif breakage == "worker-port":
        worker["args"][worker["args"].index("--master-port") + 1] = "5558"
    elif breakage == "service-port":
        svc["spec"]["ports"][1]["targetPort"] = "web"
    else:
        svc["spec"]["selector"] = {"app.kubernetes.io/component": "load-test"}
    assert locust_problems(docs)


def test_locust_loads_the_locustfile():
    result = locust_list(LOCUSTFILE)
    assert result.returncode == 0, result.stderr
    assert "ChatDBUser" in result.stdout


def test_locustfile_has_the_guides_user_mix():
    with open(LOCUSTFILE) as f:
        text = f.read()
    for request in ("/api/v1/parse", "/api/v1/jobs", "/health", "/api/v1/predict"):
        assert request in text, request
    for field in ('"query"', '"model_name"', '"dataset_location"', '"cpu_request"'):
        assert field in text, field


def test_a_broken_locustfile_fails_to_load(tmp_path):
    broken = tmp_path / "locustfile.py"
    with open(LOCUSTFILE) as f:
        broken.write_text(f.read().replace("from locust import HttpUser, between, task",
                                           "from locust import HttpUsr, between, task"))
    result = locust_list(str(broken))
    assert result.returncode != 0


def test_locust_jobs_mount_the_locustfile_they_run(rendered):
    for w, spec, _ in workloads(rendered):
        c = spec["containers"][0]
        if not c["image"].startswith("chatdb/locust"):
            continue
        path = c["args"][c["args"].index("-f") + 1]
        mount = next(m for m in c["volumeMounts"] if path.startswith(m["mountPath"] + "/"))
        volume = next(v for v in spec["volumes"] if v["name"] == mount["name"])
        assert volume["configMap"]["name"] == "locust-scripts", w["metadata"]["name"]
        assert os.path.basename(path) == "locustfile.py"
