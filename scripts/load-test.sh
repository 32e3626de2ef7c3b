#!/usr/bin/env bash
# `make test-load`: a bounded headless Locust run (locust/locustfile.py) against a throwaway local
# cluster, started and stopped here. Writes reports/load-test.html and reports/load-test.json
# (requests/s, p50/p95/p99, failure share, memory per service), generated from the run; fails
# when any request failed.
#   LOAD_USERS (20), LOAD_SPAWN_RATE (5), LOAD_DURATION (60 s)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
exec "$root/scripts/with-local-cluster.sh" /usr/bin/python3 "$root/tools/reporting/run_load.py" "$@"
