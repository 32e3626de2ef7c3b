#!/usr/bin/env bash
# The chaos and robustness experiments on a local cluster of its own (tests/robustness/run.py):
# process failure (kill -9 and restart each service), dependency failure (PostgreSQL, broker,
# s3rver), network delay and loss between services (tests/support/fault_proxy.py), circuit
# breaking on a hanging dependency, resource limits and memory under load, backup and recovery.
# Writes metrics/robustness-metrics.json and reports/robustness-test-results.html from the run.
#
#   scripts/test-robustness.sh                 all experiments; exit 0 when every one passes
#   scripts/test-robustness.sh --only network,backup
#   scripts/test-robustness.sh --broken        the same on a broken topology (killed services and
#                                              stopped dependencies not restarted, a proxy that
#                                              drops everything, no body limit, a damaged backup);
#                                              exit 0 when every experiment FAILS its criterion
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
#   (--broken writes metrics/robustness-metrics-broken.json, reports/robustness-test-results-broken.html)
suffix=""
for arg in "$@"; do [ "$arg" = --broken ] && suffix=-broken; done
metrics="$root/metrics/robustness-metrics$suffix.json"
rm -f "$metrics"
status=0
timeout 900 /usr/bin/python3 "$root/tests/robustness/run.py" "$@" || status=$?
if [ -f "$metrics" ]; then
  /usr/bin/python3 "$root/tools/reporting/robustness_report.py" "$metrics" "$root/reports/robustness-test-results$suffix.html"
fi
exit $status
