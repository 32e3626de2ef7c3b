#!/usr/bin/python3
"""ChatDB against its FastAPI peer (bench/peer/app.py), side by side in one run.

Trains one XGBoost model through `chatdb up` (20 float features, binary target), gives its
artifact to the peer, then measures with wrk (1 thread, --connections, --seconds per round),
in alternating rounds (ChatDB, peer, ChatDB, ...) and reports medians:
  - GET /health; POST /predict one row with a version, without one, and as dataframe_split;
  - POST /jobs (a job row and an outbox row per request, SQLite WAL synchronous=NORMAL on both
    sides; ChatDB runs `chatdb serve training-orchestrator` on a store of its own, nothing
    consumes the jobs, so the queue only grows), each round from an empty queue on both sides,
    its p99, and ChatDB's rate with --depth jobs already queued against its empty-queue rate;
    with --postgres the same on a throwaway PostgreSQL server;
  - one 100,000-row dataframe_split batch (best of 3);
  - POST /parse against the query-parser's own GET /health.
Every wrk run counts the answers that are not 2xx and socket errors; any such run stops the
benchmark (no figure comes from a run with errors). Writes the table into bench/README.md
between the peer-comparison markers unless --no-write.

    bench/peer/compare.py [--seconds 5] [--rounds 3] [--connections 32] [--depth 100000] [--postgres]
"""
import argparse
import datetime
import json
import os
import pathlib
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import requests

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
FEATURES = 20

LUA = r"""
wrk.method = "%(method)s"
wrk.headers["Content-Type"] = "%(content_type)s"
wrk.body = %(body)s
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0 end
function response(status, headers, body)
  if status < 200 or status > 299 then bad = bad + 1 end
end
function done(summary, latency, requests)
  local b = 0
  for _, t in ipairs(threads) do b = b + t:get("bad") end
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%f %%f %%d\n", summary.requests, b,
    summary.requests / (summary.duration / 1e6), latency:percentile(99) / 1000,
    e.connect + e.read + e.write + e.timeout))
end
"""


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_ready(url, path="/health", seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if requests.get(url + path, timeout=1).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not become ready")


def wrk(url, seconds, connections, method="GET", body=None, content_type="application/json"):
    """Requests/s and p99 ms of one wrk run; raises when any answer was not 2xx."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(LUA % {"method": method, "content_type": content_type,
                       "body": "nil" if body is None else "[==[" + body + "]==]"})
    try:
        out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "-s", f.name, url],
                             capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(f.name)
    m = re.search(r"RESULT (\d+) (\d+) ([\d.]+) ([\d.]+) (\d+)", out)
    if not m:
        raise RuntimeError("wrk gave no result:\n" + out)
    requests_done, bad, rps, p99, socket_errors = int(m[1]), int(m[2]), float(m[3]), float(m[4]), int(m[5])
    print(f"{method} {url}: {rps:,.0f} req/s, p99 {p99:.1f} ms, {bad} not 2xx, {socket_errors} socket errors", file=sys.stderr)
    if bad or socket_errors or requests_done == 0:
        raise RuntimeError(f"refusing the run against {url}: {bad} answers were not 2xx, {socket_errors} socket errors")
    return rps, p99


class Process:
    def __init__(self, argv, env, cwd=None):
        self.proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def chatdb_up(binary, data_dir):
    names = ("TRAINING_ORCHESTRATOR", "TEST_SERVICE", "QUERY_PARSER", "ML_ENGINE", "MODEL_REGISTRY")
    ports = {n: free_port() for n in names}
    env = dict(os.environ, CHATDB_DATA_DIR=data_dir, CHATDB_PROBE_INTERVAL_MS="600000")
    env.update({f"{n}_PORT": str(p) for n, p in ports.items()})
    proc = Process([binary, "up"], env)
    urls = {n: f"http://127.0.0.1:{p}" for n, p in ports.items()}
    for u in urls.values():
        wait_ready(u, "/ready")
    return proc, urls


def orchestrator(binary, data_dir, database_url):
    port = free_port()
    env = dict(os.environ, CHATDB_DATA_DIR=data_dir, TRAINING_ORCHESTRATOR_PORT=str(port), DATABASE_URL=database_url)
    proc = Process([binary, "serve", "training-orchestrator"], env)
    url = f"http://127.0.0.1:{port}"
    wait_ready(url, "/ready")
    return proc, url


def peer(env_extra, workers):
    port = free_port()
    env = dict(os.environ, **env_extra)
    proc = Process([sys.executable, "-m", "uvicorn", "app:app", "--host", "127.0.0.1", "--port", str(port),
                    "--loop", "uvloop", "--http", "httptools", "--workers", str(workers), "--no-access-log",
                    "--log-level", "warning"], env, cwd=str(HERE))
    url = f"http://127.0.0.1:{port}"
    wait_ready(url)
    return proc, url


def write_dataset(path, rows):
    rng = np.random.default_rng(2024)
    weights = rng.normal(0, 1, FEATURES)
    x = rng.normal(0, 1, (rows, FEATURES)).astype(np.float32)
    y = (x @ weights + 0.8 * x[:, 0] * x[:, 1] + rng.normal(0, 1.0, rows) > 0).astype(np.int32)
    with open(path, "w") as f:
        f.write(",".join(f"f{i}" for i in range(FEATURES)) + ",target\n")
        np.savetxt(f, np.column_stack([x, y]), fmt=["%.5f"] * FEATURES + ["%d"], delimiter=",")


def train(urls, model):
    job = {"model_name": model, "dataset_location": "file://bench/train.csv",
           "params": {"num_rounds": 100, "max_depth": 6, "seed": 42}}
    r = requests.post(urls["TRAINING_ORCHESTRATOR"] + "/jobs", json=job, timeout=10)
    r.raise_for_status()
    job_id = r.json()["id"]
    while True:
        state = requests.get(urls["TRAINING_ORCHESTRATOR"] + "/jobs/" + job_id, timeout=10).json()
        if state["status"] in ("succeeded", "failed", "cancelled"):
            break
        time.sleep(0.05)
    if state["status"] != "succeeded":
        raise RuntimeError(f"training {state['status']}: {state.get('error')}")
    base = urls["MODEL_REGISTRY"] + f"/registered-models/{model}/versions/{state['model_version']}"
    version = requests.get(base, timeout=10).json()
    artifact = requests.get(base + "/artifact", timeout=60)
    artifact.raise_for_status()
    return version, artifact.content


def start_postgres(work):
    """A throwaway PostgreSQL 15 server (as tests/support/test_postgres.cpp starts it)."""
    bin_dir = "/usr/lib/postgresql/15/bin"
    pg = os.path.join(work, "pg")
    os.makedirs(pg)
    port = free_port()
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if os.geteuid() == 0:
        shutil.chown(pg, "postgres")
        os.chmod(work, 0o755)
    subprocess.run(as_postgres + [f"{bin_dir}/initdb", "-D", pg + "/data", "-U", "postgres", "-A", "trust", "--no-sync"],
                   check=True, stdout=subprocess.DEVNULL)
    subprocess.run(as_postgres + [f"{bin_dir}/pg_ctl", "-D", pg + "/data", "-l", pg + "/log", "-w", "-o",
                                  f"-p {port} -k {pg} -c listen_addresses=127.0.0.1", "start"],
                   check=True, stdout=subprocess.DEVNULL)
    stop = lambda: subprocess.run(as_postgres + [f"{bin_dir}/pg_ctl", "-D", pg + "/data", "-m", "fast", "-w", "stop"],
                                  stdout=subprocess.DEVNULL)
    return f"postgresql://postgres@127.0.0.1:{port}/postgres", stop


def queue_depth(url):
    metrics = requests.get(url + "/metrics", timeout=10).text
    return int(float(re.search(r"^chatdb_jobs_queue_depth (\S+)", metrics, re.M)[1]))


def median(values):
    return statistics.median(values)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--depth", type=int, default=100000)
    ap.add_argument("--batch-rows", type=int, default=100000)
    ap.add_argument("--peer-workers", type=int, default=2)
    ap.add_argument("--postgres", action="store_true")
    ap.add_argument("--build", default=str(ROOT / "build"))
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    binary = os.path.abspath(os.path.join(args.build, "chatdb"))
    secs, conns = args.seconds, args.connections
    work = tempfile.mkdtemp(prefix="chatdb-peer-bench-")
    procs, cleanups = [], []
    rows, notes = [], []
    try:
        data = os.path.join(work, "up")
        os.makedirs(os.path.join(data, "datasets", "bench"))
        write_dataset(os.path.join(data, "datasets", "bench", "train.csv"), 20000)
        up, urls = chatdb_up(binary, data)
        procs.append(up)
        version, artifact = train(urls, "peerbench")
        model_path = os.path.join(work, "model.json")
        pathlib.Path(model_path).write_bytes(artifact)
        names = [f["name"] for f in version["metadata"]["features"]]
        classes = version["metadata"]["target"].get("classes")
        peer_proc, peer_url = peer({"PEER_DB": os.path.join(work, "peer.db"), "PEER_MODEL": model_path,
                                    "PEER_FEATURES": ",".join(names), "PEER_CLASSES": json.dumps(classes)},
                                   args.peer_workers)
        procs.append(peer_proc)
        pg_url = None
        if args.postgres:
            pg_url, pg_stop = start_postgres(work)
            cleanups.append(pg_stop)
        made = [0]

        def fresh_orchestrator(store):
            """`chatdb serve training-orchestrator` on an empty store of its own."""
            made[0] += 1
            name = f"jobs{made[0]}"
            if store == "SQLite":
                url = "sqlite://" + os.path.join(work, name + ".db")
            else:
                subprocess.run(["psql", pg_url, "-q", "-c", f"CREATE DATABASE {name}"], check=True, stdout=subprocess.DEVNULL)
                url = pg_url.rsplit("/", 1)[0] + "/" + name
            proc, base = orchestrator(binary, os.path.join(work, name), url)
            procs.append(proc)
            return proc, base

        def empty_peer():
            with sqlite3.connect(os.path.join(work, "peer.db")) as db:
                db.execute("PRAGMA busy_timeout=5000")
                db.execute("DELETE FROM jobs")
                db.execute("DELETE FROM outbox")

        rng = np.random.default_rng(7)
        one = [round(float(v), 5) for v in rng.normal(0, 1, FEATURES)]
        row = dict(zip(names, one))
        model = "peerbench"
        v = version["version"]
        job_body = json.dumps({"model_name": "bench", "dataset_location": "file://bench/none.csv", "cpu_request": 1})
        parse_body = json.dumps({"query": "how many customers are there"})
        bodies = {
            "predict, one row, version": json.dumps({"model": model, "version": v, "instances": [row]}),
            "predict, one row, no version": json.dumps({"model": model, "instances": [row]}),
            "predict, one row, dataframe_split": json.dumps(
                {"model": model, "version": v, "dataframe_split": {"columns": names, "data": [one]}}),
        }
        # Every request of every scenario answers 2xx, or nothing is measured. A format this
        # ChatDB refuses as bad input (an older build) is reported as unsupported, not measured.
        for key, body in list(bodies.items()):
            for u in (urls["ML_ENGINE"], peer_url):
                r = requests.post(u + "/predict", data=body, headers={"Content-Type": "application/json"}, timeout=10)
                if r.status_code == 400 and u == urls["ML_ENGINE"]:
                    rows.append((f"POST /{key}", "unsupported", "-", "-"))
                    del bodies[key]
                    break
                if r.status_code != 200:
                    raise RuntimeError(f"{u}/predict answered {r.status_code}: {r.text[:300]}")
        scenarios = [("GET /health", urls["ML_ENGINE"] + "/health", peer_url + "/health", "GET", None)]
        scenarios += [(f"POST /{k}", urls["ML_ENGINE"] + "/predict", peer_url + "/predict", "POST", b) for k, b in bodies.items()]
        results = {name: ([], []) for name, *_ in scenarios}
        p99s = {name: ([], []) for name, *_ in scenarios}
        results["POST /jobs, empty queue"], p99s["POST /jobs, empty queue"] = ([], []), ([], [])
        requests.post(peer_url + "/jobs", data=job_body, timeout=10).raise_for_status()  # the peer's tables exist
        for _ in range(args.rounds):
            for name, mine, theirs, method, body in scenarios:
                for side, url in enumerate((mine, theirs)):
                    rps, p99 = wrk(url, secs, conns, method, body)
                    results[name][side].append(rps)
                    p99s[name][side].append(p99)
            # Jobs: each round starts from an empty queue on both sides.
            proc, url = fresh_orchestrator("SQLite")
            for side, target in enumerate((url, peer_url)):
                if side:
                    empty_peer()
                rps, p99 = wrk(target + "/jobs", secs, conns, "POST", job_body)
                results["POST /jobs, empty queue"][side].append(rps)
                p99s["POST /jobs, empty queue"][side].append(p99)
            proc.stop()
        for name in results:
            a, b = median(results[name][0]), median(results[name][1])
            rows.append((name, f"{a:,.0f} (p99 {median(p99s[name][0]):.1f} ms)",
                         f"{b:,.0f} (p99 {median(p99s[name][1]):.1f} ms)", f"{a / b:.2f}x"))

        # The 100,000-row batch, dataframe_split on both sides.
        x = np.round(rng.normal(0, 1, (args.batch_rows, FEATURES)), 5)
        batch = json.dumps({"model": model, "version": v,
                            "dataframe_split": {"columns": names, "data": x.tolist()}}).encode()
        best = [None, None]
        split_ok = any("dataframe_split" in k for k in bodies)
        for _ in range(3 if split_ok else 0):
            for side, url in enumerate((urls["ML_ENGINE"], peer_url)):
                started = time.perf_counter()
                r = requests.post(url + "/predict", data=batch, headers={"Content-Type": "application/json"}, timeout=300)
                elapsed = time.perf_counter() - started
                if r.status_code != 200:
                    raise RuntimeError(f"{url}/predict batch answered {r.status_code}: {r.text[:300]}")
                best[side] = elapsed if best[side] is None else min(best[side], elapsed)
        if split_ok:
            a, b = args.batch_rows / best[0], args.batch_rows / best[1]
            rows.append((f"POST /predict, {args.batch_rows:,}-row dataframe_split ({len(batch) / 1e6:.1f} MB), rows/s",
                         f"{a:,.0f}", f"{b:,.0f}", f"{a / b:.2f}x"))

        # /parse against the query-parser's own /health.
        qp = urls["QUERY_PARSER"]
        r = requests.post(qp + "/parse", data=parse_body, headers={"Content-Type": "application/json"}, timeout=10)
        if r.status_code != 200:
            raise RuntimeError(f"/parse answered {r.status_code}: {r.text[:300]}")
        parse_runs, health_runs = [], []
        for _ in range(args.rounds):
            parse_runs.append(wrk(qp + "/parse", secs, conns, "POST", parse_body))
            health_runs.append(wrk(qp + "/health", secs, conns))
        a, b = median(r[0] for r in parse_runs), median(r[0] for r in health_runs)
        rows.append(("POST /parse vs the query-parser's own GET /health", f"{a:,.0f} (p99 {median(r[1] for r in parse_runs):.1f} ms)",
                     f"{b:,.0f} (its /health)", f"{a / b:.2f}x"))

        # POST /jobs with a deep queue, against the empty-queue rate measured above.
        stores = [("SQLite", median(results["POST /jobs, empty queue"][0]))]
        if args.postgres:
            empty = []
            for _ in range(args.rounds):
                proc, url = fresh_orchestrator("PostgreSQL")
                empty.append(wrk(url + "/jobs", secs, conns, "POST", job_body))
                proc.stop()
            rate = median(r[0] for r in empty)
            stores.append(("PostgreSQL", rate))
            rows.append(("POST /jobs on PostgreSQL, empty queue", f"{rate:,.0f} (p99 {median(r[1] for r in empty):.1f} ms)", "-", "-"))
        for store, empty_rate in stores:
            _, url = fresh_orchestrator(store)
            while queue_depth(url) < args.depth:
                wrk(url + "/jobs", secs, conns, "POST", job_body)
            runs = [wrk(url + "/jobs", secs, conns, "POST", job_body) for _ in range(args.rounds)]
            rate = median(r[0] for r in runs)
            rows.append((f"POST /jobs on {store} with >= {args.depth:,} queued, vs its empty-queue rate",
                         f"{rate:,.0f} (p99 {median(r[1] for r in runs):.1f} ms)", f"{empty_rate:,.0f} (empty queue)",
                         f"{rate / empty_rate:.2f}x"))
    finally:
        for p in reversed(procs):
            p.stop()
        for c in cleanups:
            c()
        shutil.rmtree(work, ignore_errors=True)

    table = ["| scenario | ChatDB req/s | peer req/s | ratio |", "|---|---|---|---|"]
    table += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    text = "\n".join(table)
    print(text)
    if args.no_write:
        return
    block = (f"<!-- peer-comparison:start -->\nMeasured {datetime.date.today()} on {os.cpu_count()} cores by "
             f"`bench/peer/compare.py --seconds {secs} --rounds {args.rounds} --connections {conns} --depth {args.depth}"
             f"{' --postgres' if args.postgres else ''}` (wrk 1 thread, {conns} connections, medians of {args.rounds} "
             f"alternating rounds of {secs} s; the peer on {args.peer_workers} uvicorn workers; load average "
             f"{os.getloadavg()[0]:.1f} after):\n\n{text}\n<!-- peer-comparison:end -->")
    readme = ROOT / "bench" / "README.md"
    old = readme.read_text()
    readme.write_text(re.sub(r"<!-- peer-comparison:start -->.*?<!-- peer-comparison:end -->", lambda m: block, old, flags=re.S))


if __name__ == "__main__":
    main()
