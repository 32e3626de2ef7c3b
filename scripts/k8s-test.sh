#!/usr/bin/env bash
# Runs one of the on-demand test Jobs of chatdb-testing and reports its result:
#   scripts/k8s-test.sh integration   the integration tests (Job integration-tests)
#   scripts/k8s-test.sh load          a bounded headless Locust run (Job load-test)
# The Job is deleted and created again, its log is printed, and the exit status is the Job's.
#
# Settings (environment): CHATDB_OVERLAY (kubernetes/overlays/minikube), CHATDB_WAIT (1200 s),
# CHATDB_POLL (5 s between looks at the Job).
set -euo pipefail
cd "$(dirname "$0")/.."

case "${1:-}" in
  integration) job=integration-tests ;;
  load) job=load-test ;;
  *) echo "usage: scripts/k8s-test.sh integration|load" >&2; exit 2 ;;
esac
overlay="${CHATDB_OVERLAY:-kubernetes/overlays/minikube}"
deadline=$((SECONDS + ${CHATDB_WAIT:-1200}))
ns=chatdb-testing

rendered="$(mktemp)"
trap 'rm -f "$rendered"' EXIT
kubectl kustomize "$overlay" >"$rendered"

kubectl -n "$ns" delete job "$job" --ignore-not-found --wait=true
# The ConfigMaps the Job reads, then the Job itself.
kubectl apply -f "$rendered" -l 'chatdb.io/component=testing,chatdb.io/run!=on-demand'
kubectl apply -f "$rendered" -l "app.kubernetes.io/name=$job,chatdb.io/run=on-demand"

echo "k8s-test: waiting for job/$job"
result=""
while [ -z "$result" ]; do
  if [ "$SECONDS" -ge "$deadline" ]; then result=timeout; break; fi
  sleep "${CHATDB_POLL:-5}"
  succeeded="$(kubectl -n "$ns" get job "$job" -o jsonpath='{.status.succeeded}')"
  failed="$(kubectl -n "$ns" get job "$job" -o jsonpath='{.status.failed}')"
  if [ "${succeeded:-0}" -ge 1 ]; then result=succeeded; fi
  if [ "${failed:-0}" -ge 1 ]; then result=failed; fi
done

kubectl -n "$ns" logs "job/$job" --tail=-1 || true
echo "k8s-test: job/$job $result"
[ "$result" = succeeded ]
