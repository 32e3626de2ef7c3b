"""Runs the Locust load test headless against the services named by the environment (the
*_URL variables), samples every service's resident memory from /metrics while it runs, and
writes, from the measured run:
  reports/load-test.html   Locust's own report
  reports/load-test.json   requests/s, p50/p95/p99, failure share (overall and per request),
                           and each service's memory (first, last, max sample)
Exit status: 0 when no request failed, 1 otherwise.

    python3 tools/reporting/run_load.py [--users 20] [--spawn-rate 5] [--duration 60]
"""
import argparse
import csv
import json
import os
import re
import subprocess
import sys
import threading
import time

import requests

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
URL_VARS = {"TRAINING_ORCHESTRATOR_URL": "training-orchestrator", "TEST_SERVICE_URL": "test-service",
            "QUERY_PARSER_URL": "query-parser", "ML_ENGINE_URL": "ml-engine", "MODEL_REGISTRY_URL": "model-registry"}


def rss_bytes(url):
    text = requests.get(url + "/metrics", timeout=5).text
    return float(re.search(r"^process_resident_memory_bytes (\S+)$", text, re.M).group(1))


class MemorySampler(threading.Thread):
    def __init__(self, urls, period=2.0):
        super().__init__(daemon=True)
        self.urls, self.period = urls, period
        self.samples = {name: [] for name in urls}
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            for name, url in self.urls.items():
                try:
                    self.samples[name].append(rss_bytes(url))
                except (requests.RequestException, AttributeError):
                    pass
            self.stop.wait(self.period)


def number(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def summarize(stats_csv, memory, settings, seconds):
    rows = list(csv.DictReader(open(stats_csv)))
    def entry(r):
        count = int(r["Request Count"])
        failures = int(r["Failure Count"])
        return {"requests": count, "failures": failures, "failure_share": failures / count if count else 0.0,
                "requests_per_second": number(r["Requests/s"]),
                "p50_ms": number(r["50%"]), "p95_ms": number(r["95%"]), "p99_ms": number(r["99%"]),
                "max_ms": number(r["Max Response Time"]), "average_ms": number(r["Average Response Time"])}
    per_request = {f'{r["Type"]} {r["Name"]}'.strip(): entry(r) for r in rows if r["Name"] != "Aggregated"}
    total = entry(next(r for r in rows if r["Name"] == "Aggregated"))
    mem = {name: {"first_mib": s[0] / 2**20, "last_mib": s[-1] / 2**20, "max_mib": max(s) / 2**20, "samples": len(s)}
           for name, s in memory.items() if s}
    return {"settings": settings, "measured_seconds": round(seconds, 1), "total": total, "requests": per_request,
            "memory": mem, "passed": total["requests"] > 0 and total["failures"] == 0}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--users", type=int, default=int(os.environ.get("LOAD_USERS", 20)))
    p.add_argument("--spawn-rate", type=float, default=float(os.environ.get("LOAD_SPAWN_RATE", 5)))
    p.add_argument("--duration", type=int, default=int(os.environ.get("LOAD_DURATION", 60)), help="seconds")
    p.add_argument("--out", default=os.path.join(ROOT, "reports"))
    a = p.parse_args()

    urls = {name: os.environ[v].rstrip("/") for v, name in URL_VARS.items() if os.environ.get(v)}
    if len(urls) != len(URL_VARS):
        sys.exit(f"set {', '.join(URL_VARS)} (scripts/with-local-cluster.sh does)")
    os.makedirs(a.out, exist_ok=True)
    prefix = os.path.join(a.out, "load-test")
    sampler = MemorySampler(urls)
    sampler.start()
    started = time.time()
    cmd = ["locust", "-f", os.path.join(ROOT, "locust", "locustfile.py"), "--headless", "--users", str(a.users),
           "--spawn-rate", str(a.spawn_rate), "--run-time", f"{a.duration}s", "--host", urls["training-orchestrator"],
           "--html", prefix + ".html", "--csv", prefix, "--only-summary", "--stop-timeout", "10"]
    locust = subprocess.run(cmd, timeout=a.duration + 600)
    seconds = time.time() - started
    sampler.stop.set()
    sampler.join(10)

    settings = {"users": a.users, "spawn_rate": a.spawn_rate, "duration_s": a.duration, "locust_exit": locust.returncode}
    summary = summarize(prefix + "_stats.csv", sampler.samples, settings, seconds)
    with open(prefix + ".json", "w") as f:
        json.dump(summary, f, indent=2)
    t = summary["total"]
    print(f"load-test: {t['requests']} requests, {t['requests_per_second']:.1f}/s, p50 {t['p50_ms']} ms, "
          f"p95 {t['p95_ms']} ms, p99 {t['p99_ms']} ms, failures {t['failures']} ({t['failure_share']:.2%}); "
          f"{prefix}.html, {prefix}.json")
    return 0 if summary["passed"] and locust.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
