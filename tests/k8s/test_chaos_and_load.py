"""chaos/ (the guide's PodChaos and NetworkChaos, and a pod-kill of ml-engine) targets pods that
the deployment has, and Locust's ConfigMap is locust/locustfile.py, which Locust can load."""
import copy
import os
import subprocess

import pytest

from manifests import ROOT, config_map_data, load_yaml_dir, ns_of, selector_matches, workloads

CHAOS = os.path.join(ROOT, "chaos")
LOCUSTFILE = os.path.join(ROOT, "locust", "locustfile.py")


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


def test_locust_config_map_is_the_locustfile(rendered):
    with open(LOCUSTFILE) as f:
        assert config_map_data(rendered, "chatdb-testing", "locustfile")["locustfile.py"] == f.read()


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
        assert volume["configMap"]["name"].startswith("locustfile"), w["metadata"]["name"]
        assert os.path.basename(path) == "locustfile.py"
