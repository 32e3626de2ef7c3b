"""The guide's scripts without a cluster: shellcheck on every script, and deploy-all.sh,
health-check.sh and k8s-test.sh run against a stub kubectl (and curl) that records what they
do, so that their order, waits and verdicts are checked."""
import copy
import glob
import os
import re
import subprocess

import pytest
import yaml

from manifests import ROOT

SCRIPTS = sorted(glob.glob(os.path.join(ROOT, "scripts", "*.sh")) + glob.glob(os.path.join(ROOT, "bench", "*.sh"))
                 + [os.path.join(ROOT, ".ci", "run")])
GUIDE_SCRIPTS = ["setup-minikube.sh", "build-images.sh", "deploy-all.sh", "health-check.sh", "cleanup.sh"]


def shellcheck(paths):
    return subprocess.run(["shellcheck", "--format=gcc", *paths], capture_output=True, text=True)


def test_guide_scripts_exist_and_are_executable():
    for name in GUIDE_SCRIPTS + ["k8s-test.sh"]:
        assert os.access(os.path.join(ROOT, "scripts", name), os.X_OK), name


def test_shellcheck_passes_on_every_script():
    result = shellcheck(SCRIPTS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_shellcheck_fails_on_a_broken_copy(tmp_path):
    broken = tmp_path / "deploy-all.sh"
    text = open(os.path.join(ROOT, "scripts", "deploy-all.sh")).read()
    broken.write_text(text.replace('kubectl kustomize "$overlay" >"$rendered"', "kubectl kustomize $overlay > $rendered"))
    result = shellcheck([str(broken)])
    assert result.returncode != 0 and "SC2086" in result.stdout


# --- a stub kubectl ---------------------------------------------------------------------------

STUB_KUBECTL = r"""#!/usr/bin/env bash
# Records every call; answers what the scripts ask.
printf '%s\n' "$*" >> "$STUB_LOG"
if [ "$1" = "-n" ]; then shift 2; fi
case "$1" in
  kustomize) cat "$STUB_RENDERED" ;;
  get)
    if [ "$2" = "--raw" ]; then
      if [ -n "${STUB_FAIL_RAW:-}" ] && [[ "$3" == *"$STUB_FAIL_RAW"* ]]; then echo "503 Service Unavailable" >&2; exit 1; fi
      echo '{"status":"ok"}'
    elif [[ "$2" == deployments,statefulsets ]]; then cat "$STUB_WORKLOADS"
    elif [[ "$2" == daemonsets ]]; then echo "chatdb-logging DaemonSet fluent-bit 1 1"
    elif [[ "$*" == *succeeded* ]]; then echo "${STUB_SUCCEEDED:-}"
    elif [[ "$*" == *failed* ]]; then echo "${STUB_FAILED:-}"
    fi ;;
  logs) echo "stub log of $*" ;;
esac
exit 0
"""

STUB_CURL = r"""#!/usr/bin/env bash
printf 'curl %s\n' "$*" >> "$STUB_LOG"
if [ -n "${STUB_FAIL_CURL:-}" ] && [[ "$*" == *"$STUB_FAIL_CURL"* ]]; then echo "curl: (22) 404" >&2; exit 22; fi
echo '{"ok":true}'
"""


@pytest.fixture
def stub(tmp_path, rendered):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, text in (("kubectl", STUB_KUBECTL), ("curl", STUB_CURL)):
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    rendered_file = tmp_path / "rendered.yaml"
    rendered_file.write_text(yaml.safe_dump_all(rendered))
    workloads = tmp_path / "workloads.txt"
    workloads.write_text("".join(f"{d['metadata']['namespace']} {d['kind']} {d['metadata']['name']} "
                                 f"{d['spec'].get('replicas', 1)} {d['spec'].get('replicas', 1)}\n"
                                 for d in rendered if d["kind"] in ("Deployment", "StatefulSet")))
    log = tmp_path / "calls.log"
    env = dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}", STUB_LOG=str(log),
               STUB_RENDERED=str(rendered_file), STUB_WORKLOADS=str(workloads), CHATDB_POLL="0")

    def run(script, *args, **extra):
        result = subprocess.run(["bash", script, *args], env=dict(env, **extra), capture_output=True, text=True,
                                timeout=60)
        calls = log.read_text().splitlines() if log.exists() else []
        if log.exists():
            log.unlink()
        return result, calls

    run.workloads = workloads
    return run


def script_copy(tmp_path, name, edit=None):
    """A copy of a script in tmp_path/scripts (optionally broken by edit)."""
    (tmp_path / "scripts").mkdir(exist_ok=True)
    text = open(os.path.join(ROOT, "scripts", name)).read()
    path = tmp_path / "scripts" / name
    path.write_text(edit(text) if edit else text)
    return str(path)


# --- deploy-all.sh ----------------------------------------------------------------------------

def parse_selector(selector):
    out = []
    for term in selector.split(","):
        m = re.fullmatch(r"([\w./-]+)(!=|=)(.*)", term)
        out.append((m.group(1), m.group(2), m.group(3)))
    return out


def selects(selector, labels):
    return all((labels.get(k) == v) == (op == "=") for k, op, v in parse_selector(selector))


PHASES = ["chatdb.io/component=namespaces", "chatdb.io/component=system", "chatdb.io/component=services",
          "chatdb.io/component=monitoring", "chatdb.io/component=logging",
          "chatdb.io/component=testing,chatdb.io/run!=on-demand"]


def deploy_problems(calls, rendered):
    """What is wrong with the order of a deploy-all.sh run, from its kubectl calls."""
    problems = []
    applies = [(i, c.split(" -l ", 1)[1]) for i, c in enumerate(calls) if c.startswith("apply -f ")]
    selectors = [s for _, s in applies]
    if selectors != PHASES:
        problems.append(f"applies {selectors}, expected the phases in order {PHASES}")
    at = {s: i for i, s in applies}

    def between(first, then, pattern):
        lo, hi = at.get(first, -1), at.get(then, len(calls))
        return any(re.search(pattern, c) for c in calls[lo + 1:hi]) if lo >= 0 else False

    setup = [c for c in calls if re.search(r"delete job -l chatdb.io/run=setup", c)]
    if not setup or calls.index(setup[0]) > at.get(PHASES[1], 0):
        problems.append("the setup Jobs are not deleted before chatdb-system is applied (they are immutable)")
    if not between(PHASES[1], PHASES[2], r"wait --for=condition=complete job -l chatdb.io/run=setup"):
        problems.append("the services are applied before the setup Jobs (schema, topics, bucket) complete")
    # Every workload is waited for after its phase is applied and before the next phase.
    for d in rendered:
        if d["kind"] not in ("Deployment", "StatefulSet", "DaemonSet"):
            continue
        phase = next((s for s in PHASES if selects(s, d["metadata"].get("labels", {}))), None)
        nxt = PHASES[PHASES.index(phase) + 1] if phase and phase != PHASES[-1] else None
        pattern = rf"-n {d['metadata']['namespace']} rollout status {d['kind'].lower()}/{d['metadata']['name']} "
        if not phase or not between(phase, nxt, pattern):
            problems.append(f"no rollout wait for {d['kind']}/{d['metadata']['name']} before the next phase")
    # Together the phases apply every object, except the on-demand test Jobs.
    for d in rendered:
        labels = d["metadata"].get("labels", {})
        applied = any(selects(s, labels) for s in selectors)
        if applied == (labels.get("chatdb.io/run") == "on-demand"):
            problems.append(f"{d['kind']}/{d['metadata']['name']}: {'applied' if applied else 'never applied'}")
    return problems


def test_deploy_all_applies_in_order_and_waits(stub, rendered):
    result, calls = stub(os.path.join(ROOT, "scripts", "deploy-all.sh"))
    assert result.returncode == 0, result.stderr
    assert deploy_problems(calls, rendered) == []


def test_deploy_all_skips_what_it_is_told_to(stub):
    result, calls = stub(os.path.join(ROOT, "scripts", "deploy-all.sh"), "--no-logging")
    assert result.returncode == 0
    assert not any("component=logging" in c for c in calls)


def test_a_deploy_without_the_setup_wait_is_caught(stub, rendered, tmp_path):
    script = script_copy(tmp_path, "deploy-all.sh", lambda t: re.sub(r"kubectl -n chatdb-system wait .*\n", "", t))
    result, calls = stub(script)
    assert result.returncode == 0
    assert any("before the setup Jobs" in p for p in deploy_problems(calls, rendered))


def test_a_deploy_without_rollout_waits_or_a_phase_is_caught(stub, rendered, tmp_path):
    def edit(t):
        t = t.replace("  rollout chatdb-monitoring deployment/prometheus deployment/grafana deployment/jaeger\n", "")
        return t.replace("  apply chatdb.io/component=logging\n", "")
    result, calls = stub(script_copy(tmp_path, "deploy-all.sh", edit))
    problems = deploy_problems(calls, rendered)
    assert any("Deployment/grafana" in p for p in problems)
    assert any("Deployment/kibana: never applied" in p for p in problems)


def test_a_deploy_in_the_wrong_order_is_caught(stub, rendered, tmp_path):
    def edit(t):
        return t.replace("apply chatdb.io/component=system\n", "apply chatdb.io/component=services\n", 1) \
                .replace("apply chatdb.io/component=services\nrollout chatdb-services",
                         "apply chatdb.io/component=system\nrollout chatdb-services")
    result, calls = stub(script_copy(tmp_path, "deploy-all.sh", edit))
    assert any("expected the phases in order" in p for p in deploy_problems(calls, rendered))


# --- health-check.sh --------------------------------------------------------------------------

HEALTH = os.path.join(ROOT, "scripts", "health-check.sh")


def test_health_check_passes_when_everything_answers(stub):
    result, calls = stub(HEALTH)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "all checks passed" in result.stdout
    raw = [c for c in calls if c.startswith("get --raw")]
    assert len(raw) == 10  # five services, /health and /ready
    assert any("curl" in c and "chatdb.local/test/" in c for c in calls)


def test_health_check_fails_on_a_service_that_is_not_ready(stub):
    result, _ = stub(HEALTH, STUB_FAIL_RAW="ml-engine:http/proxy/ready")
    assert result.returncode == 1
    assert re.search(r"ml-engine /ready\s+FAILED", result.stdout)


def test_health_check_fails_on_an_unready_workload(stub):
    text = stub.workloads.read_text().replace("Deployment query-parser 2 2", "Deployment query-parser <none> 2")
    stub.workloads.write_text(text)
    result, _ = stub(HEALTH)
    assert result.returncode == 1
    assert re.search(r"chatdb-services Deployment/query-parser\s+FAILED", result.stdout)


def test_health_check_fails_when_the_ingress_does_not_answer(stub):
    result, _ = stub(HEALTH, STUB_FAIL_CURL="/test/")
    assert result.returncode == 1
    assert "FAILED" in result.stdout and "/test/" in result.stdout


# --- k8s-test.sh ------------------------------------------------------------------------------

K8S_TEST = os.path.join(ROOT, "scripts", "k8s-test.sh")


@pytest.mark.parametrize("kind,job", [("integration", "integration-tests"), ("load", "load-test")])
def test_k8s_test_recreates_the_job_and_reports_success(stub, rendered, kind, job):
    result, calls = stub(K8S_TEST, kind, STUB_SUCCEEDED="1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert calls.index(f"-n chatdb-testing delete job {job} --ignore-not-found --wait=true") < \
        next(i for i, c in enumerate(calls) if "chatdb.io/run=on-demand" in c and c.startswith("apply"))
    job_apply = next(c for c in calls if c.startswith("apply") and "run=on-demand" in c).split(" -l ", 1)[1]
    chosen = [d for d in rendered if selects(job_apply, d["metadata"].get("labels", {}))]
    assert [(d["kind"], d["metadata"]["name"]) for d in chosen] == [("Job", job)]
    assert any(c.startswith(f"-n chatdb-testing logs job/{job}") for c in calls)


def test_k8s_test_fails_when_the_job_fails(stub):
    result, _ = stub(K8S_TEST, "integration", STUB_FAILED="1")
    assert result.returncode == 1
    assert "job/integration-tests failed" in result.stdout


# --- the GitHub workflow ----------------------------------------------------------------------

def workflow_problems(workflow, makefile):
    problems = []
    targets = set(re.findall(r"^([\w-]+):", makefile, re.M))
    steps = [s for job in workflow["jobs"].values() for s in job["steps"]]
    for s in steps:
        uses = s.get("uses")
        if uses and not re.search(r"@v\d+(\.\d+)*$|@[0-9a-f]{40}$", uses):
            problems.append(f"action {uses} is not pinned to a version")
        for script in re.findall(r"(?:\./)?(scripts/[\w.-]+\.sh)", s.get("run", "")):
            if not os.access(os.path.join(ROOT, script), os.X_OK):
                problems.append(f"step '{s.get('name')}' runs {script}, which does not exist")
        for target in re.findall(r"(?:^|[;&|]\s*)make\s+([\w-]+)", s.get("run", ""), re.M):
            if target not in targets:
                problems.append(f"step '{s.get('name')}' runs make {target}, which the Makefile lacks")
    runs = " ".join(s.get("run", "") for s in steps)
    order = [runs.find(f"scripts/{n}") for n in ("setup-minikube.sh", "build-images.sh", "deploy-all.sh",
                                                 "health-check.sh")]
    if -1 in order or order != sorted(order):
        problems.append("the workflow does not run setup-minikube, build-images, deploy-all, health-check in order")
    if "chatdb.local/test/" not in runs:
        problems.append("the workflow never reaches http://chatdb.local/test/")
    return problems


@pytest.fixture(scope="module")
def workflow_files():
    with open(os.path.join(ROOT, ".github", "workflows", "minikube.yml")) as f:
        workflow = yaml.safe_load(f)
    with open(os.path.join(ROOT, "Makefile")) as f:
        return workflow, f.read()


def test_workflow_runs_the_guide(workflow_files):
    assert workflow_problems(*workflow_files) == []


def test_workflow_check_catches_a_missing_script_target_and_unpinned_action(workflow_files):
    workflow, makefile = workflow_files
    broken = copy.deepcopy(workflow)
    steps = broken["jobs"]["minikube"]["steps"]
    steps[0]["uses"] = "actions/checkout@main"
    next(s for s in steps if "deploy-all" in s.get("run", ""))["run"] = "./scripts/deploy.sh"
    next(s for s in steps if "make test-integration" in s.get("run", ""))["run"] = "make integration"
    problems = workflow_problems(broken, makefile)
    assert any("actions/checkout@main" in p for p in problems)
    assert any("scripts/deploy.sh" in p for p in problems)
    assert any("make integration" in p for p in problems)
    assert any("in order" in p for p in problems)


# --- cleanup.sh and /etc/hosts -----------------------------------------------------------------

HOSTS = "127.0.0.1 localhost\n192.168.49.2 chatdb.local\n10.0.0.1 chatdb.local other-alias\n::1 ip6-localhost\n"


@pytest.mark.parametrize("args", [(), ("--all",)])
def test_cleanup_removes_the_hosts_entry_that_setup_added(stub, tmp_path, args):
    hosts = tmp_path / "hosts"
    hosts.write_text(HOSTS)
    bin_dir = tmp_path / "bin"
    (bin_dir / "minikube").write_text("#!/bin/sh\nexit 0\n")
    (bin_dir / "minikube").chmod(0o755)
    result, calls = stub(os.path.join(ROOT, "scripts", "cleanup.sh"), *args, CHATDB_HOSTS_FILE=str(hosts))
    assert result.returncode == 0, result.stderr
    # Only setup-minikube.sh's own line goes; a line the user wrote with an alias stays.
    assert hosts.read_text() == "127.0.0.1 localhost\n10.0.0.1 chatdb.local other-alias\n::1 ip6-localhost\n"
    again, _ = stub(os.path.join(ROOT, "scripts", "cleanup.sh"), *args, CHATDB_HOSTS_FILE=str(hosts))
    assert again.returncode == 0 and "chatdb.local entry" not in again.stdout


def test_cleanup_keep_hosts_leaves_the_file(stub, tmp_path):
    hosts = tmp_path / "hosts"
    hosts.write_text(HOSTS)
    result, _ = stub(os.path.join(ROOT, "scripts", "cleanup.sh"), "--keep-hosts", CHATDB_HOSTS_FILE=str(hosts))
    assert result.returncode == 0 and hosts.read_text() == HOSTS
