#!/usr/bin/python3
"""Tracing overhead: GET /health (query-parser) and POST /predict (ml-engine, one row, a cached
model) throughput with wrk against `chatdb up` with tracing off, on at ratio 1.0 and on at
ratio 0.01 (OTEL_TRACES_SAMPLER=traceidratio), exporting OTLP/HTTP JSON to a collector process
on 127.0.0.1 that accepts and discards. The three settings are measured in alternating rounds
(each round restarts chatdb with the setting) and the medians compared with tracing off.
Writes the figures into bench/README.md between the tracing-overhead markers.

    bench/tracing_overhead.py [--seconds 5] [--rounds 3] [--connections 32] [--no-write]
"""
import argparse
import datetime
import os
import pathlib
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

import requests

ROOT = pathlib.Path(__file__).resolve().parent.parent
SERVICES = {"training-orchestrator": "TRAINING_ORCHESTRATOR_PORT", "test-service": "TEST_SERVICE_PORT",
            "query-parser": "QUERY_PARSER_PORT", "ml-engine": "ML_ENGINE_PORT", "model-registry": "MODEL_REGISTRY_PORT"}
SETTINGS = {"off": {}, "ratio 1.0": {"OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": "1.0"},
            "ratio 0.01": {"OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.01"}}
INSTANCE = ('{"model": "bench-churn", "version": 1, "instances": [{"tenure_months": 9, "monthly_charges": 25.4, '
            '"contract": "month-to-month", "payment_method": "electronic check", "internet_service": "none", '
            '"support_calls": 1, "senior_citizen": 0, "total_charges": 228.8}]}')
COLLECTOR = r'''
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200); self.send_header("Content-Length", "2"); self.end_headers(); self.wfile.write(b"{}")
    def log_message(self, *a): pass
s = ThreadingHTTPServer(("127.0.0.1", 0), H); print(s.server_address[1], flush=True); s.serve_forever()
'''


def free_ports(n):
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def start(binary, data, extra):
    ports = dict(zip(SERVICES, free_ports(len(SERVICES))))
    env = dict(os.environ, CHATDB_DATA_DIR=data, CHATDB_HTTP_THREADS="2", CHATDB_PROBE_INTERVAL_MS="60000",
               LOG_LEVEL="warn", **{v: str(ports[k]) for k, v in SERVICES.items()})
    for k in list(env):
        if k.startswith("OTEL_"):
            del env[k]
    env.update(extra)
    proc = subprocess.Popen([binary, "up"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    urls = {k: f"http://127.0.0.1:{p}" for k, p in ports.items()}
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            if all(requests.get(u + "/ready", timeout=1).status_code == 200 for u in urls.values()):
                return proc, urls
        except requests.RequestException:
            pass
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError("chatdb up did not become ready")


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()


def wrk(url, seconds, connections, script=None):
    args = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s"] + (["-s", script] if script else []) + [url]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    assert not errors, f"{url}: {errors.group(0)}"
    return rps


def counter(url, name):
    for line in requests.get(url + "/metrics", timeout=5).text.splitlines():
        if line.startswith(name + " "):
            return int(float(line.split()[1]))
    return 0


def median(values):
    return sorted(values)[len(values) // 2]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--build", default=str(ROOT / "build"))
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    binary = os.path.join(args.build, "chatdb")

    collector = subprocess.Popen([sys.executable, "-c", COLLECTOR], stdout=subprocess.PIPE, text=True)
    endpoint = f"http://127.0.0.1:{collector.stdout.readline().strip()}"
    with tempfile.TemporaryDirectory(prefix="chatdb-bench-") as tmp:
        data = os.path.join(tmp, "data")
        script = os.path.join(tmp, "predict.lua")
        with open(script, "w") as f:
            f.write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
                    f"wrk.body = [[{INSTANCE}]]\n")
        proc, urls = start(binary, data, {})  # the model the predictions use, trained once
        r = requests.post(urls["training-orchestrator"] + "/jobs", json={
            "model_name": "bench-churn", "dataset_location": "file://demo/churn.csv", "params": {"num_rounds": 20}})
        job = r.json()["id"]
        while requests.get(urls["training-orchestrator"] + "/jobs/" + job).json()["status"] not in ("succeeded", "failed"):
            time.sleep(0.2)
        stop(proc)

        results = {name: {"health": [], "predict": []} for name in SETTINGS}
        spans = {name: {"exported": 0, "dropped": 0} for name in SETTINGS}
        for _ in range(args.rounds):
            for name, extra in SETTINGS.items():
                env = dict(extra, **({"OTEL_EXPORTER_OTLP_ENDPOINT": endpoint, "OTEL_BSP_SCHEDULE_DELAY": "200",
                                      "OTEL_BSP_MAX_QUEUE_SIZE": "65536"} if extra else {}))
                proc, urls = start(binary, data, env)
                try:
                    requests.post(urls["ml-engine"] + "/predict", data=INSTANCE,
                                  headers={"Content-Type": "application/json"}).raise_for_status()  # loads the model
                    results[name]["health"].append(wrk(urls["query-parser"] + "/health", args.seconds, args.connections))
                    results[name]["predict"].append(
                        wrk(urls["ml-engine"] + "/predict", args.seconds, args.connections, script))
                    time.sleep(0.5)  # the last batch
                    for service in ("query-parser", "ml-engine"):
                        for kind in ("exported", "dropped"):
                            spans[name][kind] += counter(urls[service], f"chatdb_trace_spans_{kind}_total")
                finally:
                    stop(proc)
    collector.kill()

    off = {k: median(v) for k, v in results["off"].items()}
    rows = []
    for name, runs in results.items():
        h, p = median(runs["health"]), median(runs["predict"])
        rows.append(f"| {name} | {h:.0f} | {h / off['health']:.2f} | {p:.0f} | {p / off['predict']:.2f} | "
                    f"{spans[name]['exported']} / {spans[name]['dropped']} |")
        print(name, runs)
    table = "\n".join([
        "<!-- tracing-overhead:start -->",
        f"Measured {datetime.date.today()} on {os.cpu_count()} cores by `bench/tracing_overhead.py --seconds "
        f"{args.seconds} --rounds {args.rounds} --connections {args.connections}` (wrk 1 thread; `chatdb up` with "
        "2 HTTP threads, restarted for each setting in alternating rounds, medians; spans exported every 200 ms "
        "(queue 65536) as OTLP/HTTP JSON to a discarding collector process on the same machine, which shares the "
        "2 cores; spans: exported / dropped by query-parser and ml-engine over all rounds).",
        "",
        "| tracing | GET /health req/s | vs off | POST /predict req/s | vs off | spans exported / dropped |",
        "|---|---|---|---|---|---|",
        *rows,
        "<!-- tracing-overhead:end -->"])
    print(table)
    if not args.no_write:
        readme = ROOT / "bench" / "README.md"
        text = readme.read_text()
        if "<!-- tracing-overhead:start -->" in text:
            text = re.sub(r"<!-- tracing-overhead:start -->.*?<!-- tracing-overhead:end -->", lambda m: table, text, flags=re.S)
        else:
            text += "\n## Tracing overhead\n\n" + table + "\n"
        readme.write_text(text)


if __name__ == "__main__":
    main()
