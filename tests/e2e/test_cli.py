"""The command-line tools against a running `chatdb up`: ask, train, jobs, models, and the
terminal log of `chatdb up` itself."""
import json
import os
import pty
import re
import signal
import sqlite3
import subprocess
import threading
import time

import requests

from conftest import SERVICES, chatdb_bin, free_ports


def cli_env(up, data_dir):
    """The environment of a user's shell next to `up`: its ports, a data dir of its own."""
    env = dict(os.environ)
    for name, var in SERVICES.items():
        env[var] = up.urls[name].rsplit(":", 1)[1]
    env["CHATDB_DATA_DIR"] = str(data_dir)
    return env


def run(env, *args, cwd=None, timeout=120):
    return subprocess.run([chatdb_bin(), *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)


def shown(value):
    """What the CLI prints for a number of a result (the rule of src/cli/display.cpp)."""
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    if abs(value) >= 100:
        return ("%.2f" % value).rstrip("0").rstrip(".")
    return "%.4g" % value


def test_ask_uses_the_running_query_parser_in_each_format(up, tmp_path):
    env = cli_env(up, tmp_path / "data")
    question = "what is the average price of products per category"
    as_json = run(env, "ask", question, "--format", "json", cwd=tmp_path)
    assert as_json.returncode == 0, as_json.stderr
    answer = json.loads(as_json.stdout)
    assert answer["database"] == "demo" and answer["sql"].startswith("SELECT")
    assert answer["rows"] and any(isinstance(v, float) and v != round(v, 2) for r in answer["rows"] for v in r)

    table = run(env, "ask", question, cwd=tmp_path)
    assert table.returncode == 0, table.stderr
    n = len(answer["rows"])
    assert answer["sql"] in table.stdout and f"({n} row{'' if n == 1 else 's'}" in table.stdout
    for row in answer["rows"]:
        for value in row:
            if isinstance(value, float):
                assert shown(value) in table.stdout
                if shown(value) != repr(value):
                    assert repr(value) not in table.stdout  # rounded, not printed in full

    csv = run(env, "ask", question, "--format", "csv", cwd=tmp_path)
    assert csv.returncode == 0, csv.stderr
    lines = csv.stdout.splitlines()
    assert lines[0] == ",".join(answer["columns"]) and len(lines) == len(answer["rows"]) + 1

    # Nothing of the question-answering happened in the user's directory.
    assert not (tmp_path / ".chatdb").exists() and not (tmp_path / "data").exists()


def test_ask_names_a_configured_source_and_reports_an_unknown_one(up, tmp_path):
    env = cli_env(up, tmp_path / "data")
    ok = run(env, "ask", "how many customers are there", "--database", "demo", "--format", "json")
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["rows"][0][0] > 0
    unknown = run(env, "ask", "how many customers are there", "--database", "no_such_source")
    assert unknown.returncode == 1
    assert "no_such_source" in unknown.stderr


def test_ask_without_a_running_parser_says_so(tmp_path):
    env = dict(os.environ)
    env["QUERY_PARSER_URL"] = f"http://127.0.0.1:{free_ports(1)[0]}"
    p = run(env, "ask", "how many customers are there", cwd=tmp_path, timeout=30)
    assert p.returncode == 1
    assert env["QUERY_PARSER_URL"] in p.stderr and "chatdb up" in p.stderr


def test_ask_local_answers_in_process_without_a_data_dir_in_the_cwd(tmp_path):
    db = tmp_path / "shop.db"
    with sqlite3.connect(db) as c:
        c.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, price REAL)")
        c.executemany("INSERT INTO items (name, price) VALUES (?, ?)", [("pen", 1.25), ("ink", 7.0), ("pad", 3.333333)])
    work = tmp_path / "work"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("CHATDB_DATA_DIR", "QUERY_PARSER_URL")}
    env["QUERY_PARSER_PORT"] = str(free_ports(1)[0])  # nothing listens there: --local must not call it
    p = run(env, "ask", "how many items are there", "--local", f"sqlite://{db}", cwd=work, timeout=60)
    assert p.returncode == 0, p.stderr
    assert "COUNT(*)" in p.stdout and "(1 row" in p.stdout
    assert list(work.iterdir()) == []


def test_train_ends_with_a_summary_and_models_shows_target_features_and_metrics(up, tmp_path):
    env = cli_env(up, tmp_path / "data")
    p = run(env, "train", "--model", "cli-churn", "--dataset", "file://demo/churn.csv", "--param", "num_rounds=20")
    assert p.returncode == 0, p.stderr
    assert not p.stdout.lstrip().startswith("{")
    assert re.search(r"job \S+ succeeded: model cli-churn version 1", p.stdout), p.stdout
    version = requests.get(up.urls["model-registry"] + "/registered-models/cli-churn/versions",
                           timeout=10).json()["model_versions"][0]
    metrics = version["metadata"]["metrics"]
    for name, value in metrics.items():
        if isinstance(value, (int, float)):
            assert f"{name} {shown(value)}" in p.stdout

    models = run(env, "models", "cli-churn")
    assert models.returncode == 0, models.stderr
    assert "churned (classification)" in models.stdout
    for name, value in metrics.items():
        if isinstance(value, (int, float)):
            assert f"{name} {shown(value)}" in models.stdout
    for feature in version["metadata"]["features"]:
        assert f"{feature['name']} ({feature['type']})" in models.stdout
    assert json.dumps(metrics) not in models.stdout


def test_jobs_shows_the_error_of_a_failed_job(up, tmp_path):
    env = cli_env(up, tmp_path / "data")
    p = run(env, "train", "--model", "cli-broken", "--dataset", "file://demo/no_such_file.csv")
    assert p.returncode == 1
    job_id = re.search(r"job (\S+) failed", p.stdout).group(1)
    assert "error" in p.stdout
    error = requests.get(up.urls["training-orchestrator"] + f"/jobs/{job_id}", timeout=10).json()["error"]
    listed = run(env, "jobs", "--model", "cli-broken")
    assert listed.returncode == 0, listed.stderr
    row = next(line for line in listed.stdout.splitlines() if line.startswith(job_id))
    assert error[:40] in row


def test_ctrl_c_while_training_leaves_the_job_running_and_says_how_to_follow_it(up, tmp_path):
    env = cli_env(up, tmp_path / "data")
    proc = subprocess.Popen([chatdb_bin(), "train", "--model", "cli-long", "--dataset", "file://demo/churn.csv",
                             "--param", "num_rounds=3000", "--cpu", "0.5"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first = proc.stderr.readline()
    job_id = re.search(r"submitted job (\S+)", first).group(1)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert "it goes on" in err and f"chatdb jobs {job_id}" in err
    job = requests.get(up.urls["training-orchestrator"] + f"/jobs/{job_id}", timeout=10).json()
    assert job["status"] != "cancelled"
    requests.post(up.urls["training-orchestrator"] + f"/jobs/{job_id}/cancel", timeout=10)


def up_on_a_terminal(tmp_path, extra_env):
    """Runs `chatdb up` with stderr on a pseudo-terminal for a few probe rounds; its stderr."""
    ports = dict(zip(SERVICES, free_ports(len(SERVICES))))
    env = dict(os.environ)
    env.update({var: str(ports[name]) for name, var in SERVICES.items()})
    env.update({"CHATDB_DATA_DIR": str(tmp_path / "data"), "CHATDB_PROBE_INTERVAL_MS": "100"})
    env.pop("LOG_FORMAT", None)
    env.update(extra_env)
    controller, terminal = pty.openpty()
    proc = subprocess.Popen([chatdb_bin(), "up"], env=env, stdout=subprocess.DEVNULL, stderr=terminal)
    os.close(terminal)
    chunks = []

    def drain():  # a terminal's buffer is small: read while it writes
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:
                return
            if not chunk:
                return
            chunks.append(chunk)

    reader = threading.Thread(target=drain)
    reader.start()
    try:
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{ports['test-service']}/ready", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            time.sleep(0.1)
        requests.get(f"http://127.0.0.1:{ports['query-parser']}/databases", timeout=5)
        time.sleep(1)  # about ten probe rounds
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=15)
        reader.join(timeout=10)
        os.close(controller)
    return b"".join(chunks).decode(errors="replace").replace("\r\n", "\n")


def test_up_on_a_terminal_prints_short_lines_without_probes(tmp_path):
    log = up_on_a_terminal(tmp_path, {})
    lines = [l for l in log.splitlines() if l.strip()]
    assert any(re.match(r"\d\d:\d\d:\d\d\.\d\d\d info +request .*target=/databases", l) for l in lines), log
    assert not any(l.startswith("{") for l in lines), log
    assert "/health" not in log and "/ready" not in log


def test_up_logs_json_when_asked_and_probes_at_debug_level(tmp_path):
    log = up_on_a_terminal(tmp_path, {"LOG_FORMAT": "json", "LOG_LEVEL": "debug"})
    entries = [json.loads(l) for l in log.splitlines() if l.strip()]
    probes = [e for e in entries if e.get("route") in ("/health", "/ready")]
    assert probes and all(e["level"] == "debug" for e in probes)
    assert any(e.get("route") == "/databases" and e["level"] == "info" for e in entries)
