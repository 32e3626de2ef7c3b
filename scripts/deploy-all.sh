#!/usr/bin/env bash
# Deploys ChatDB to the current kubectl context, in order, waiting for each step:
#   1. namespaces
#   2. chatdb-system: PostgreSQL, Kafka, MinIO; then their setup Jobs (schema, topics, bucket)
#   3. chatdb-services: the five services, their ingress, HPA and PodDisruptionBudgets
#   4. chatdb-monitoring: Prometheus, Grafana, Jaeger
#   5. chatdb-logging: Elasticsearch, Fluent Bit, Kibana
#   6. chatdb-testing: Locust master and workers (the test Jobs run on demand: make test-integration, make test-load)
#
#   scripts/deploy-all.sh [--no-monitoring] [--no-logging] [--no-testing]
#
# Settings (environment): CHATDB_OVERLAY (kubernetes/overlays/minikube), CHATDB_WAIT (600s).
set -euo pipefail
cd "$(dirname "$0")/.."

overlay="${CHATDB_OVERLAY:-kubernetes/overlays/minikube}"
wait_for="${CHATDB_WAIT:-600s}"
monitoring=1
logging=1
testing=1
for arg in "$@"; do
  case "$arg" in
    --no-monitoring) monitoring=0 ;;
    --no-logging) logging=0 ;;
    --no-testing) testing=0 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "deploy-all: unknown argument $arg (see --help)" >&2; exit 2 ;;
  esac
done

rendered="$(mktemp)"
trap 'rm -f "$rendered"' EXIT
kubectl kustomize "$overlay" >"$rendered"

step() { echo; echo "deploy-all: == $* =="; }
# Applies the rendered objects that match a label selector.
apply() { kubectl apply -f "$rendered" -l "$1"; }
rollout() {
  local ns="$1"; shift
  for workload in "$@"; do
    kubectl -n "$ns" rollout status "$workload" --timeout="$wait_for"
  done
}

step "1/6 namespaces"
apply chatdb.io/component=namespaces
kubectl wait --for=jsonpath='{.status.phase}'=Active namespace \
  -l chatdb.io/component=namespaces --timeout="$wait_for"

step "2/6 chatdb-system: PostgreSQL, Kafka, MinIO"
# The setup Jobs are idempotent and immutable once created: delete them so that they run again.
kubectl -n chatdb-system delete job -l chatdb.io/run=setup --ignore-not-found --wait=true
apply chatdb.io/component=system
rollout chatdb-system statefulset/postgres statefulset/kafka statefulset/minio
echo "deploy-all: waiting for the setup Jobs (schema, topics, bucket)"
kubectl -n chatdb-system wait --for=condition=complete job -l chatdb.io/run=setup --timeout="$wait_for"

step "3/6 chatdb-services: the five services and the web console"
apply chatdb.io/component=services
rollout chatdb-services deployment/training-orchestrator deployment/test-service \
  deployment/query-parser deployment/ml-engine deployment/model-registry deployment/console

if [ "$monitoring" -eq 1 ]; then
  step "4/6 chatdb-monitoring: Prometheus, Grafana, Jaeger"
  apply chatdb.io/component=monitoring
  rollout chatdb-monitoring deployment/prometheus deployment/grafana deployment/jaeger
else
  step "4/6 chatdb-monitoring: skipped"
fi

if [ "$logging" -eq 1 ]; then
  step "5/6 chatdb-logging: Elasticsearch, Fluent Bit, Kibana"
  apply chatdb.io/component=logging
  rollout chatdb-logging statefulset/elasticsearch daemonset/fluent-bit deployment/kibana
else
  step "5/6 chatdb-logging: skipped"
fi

if [ "$testing" -eq 1 ]; then
  step "6/6 chatdb-testing: Locust (master and workers)"
  apply 'chatdb.io/component=testing,chatdb.io/run!=on-demand'
  rollout chatdb-testing deployment/locust-master deployment/locust-worker
else
  step "6/6 chatdb-testing: skipped"
fi

echo
echo "deploy-all: ChatDB is deployed. Next: scripts/health-check.sh, then curl http://chatdb.local/test/"
