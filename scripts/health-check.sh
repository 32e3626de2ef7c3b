#!/usr/bin/env bash
# Checks a deployed ChatDB: every workload is ready, every service answers /health and /ready
# (through the API server's service proxy, so no port-forward is needed), and the ingress
# serves http://chatdb.local/test/ and /api/v1/jobs. Exits 1 if anything fails.
#
#   scripts/health-check.sh
#
# Settings (environment): CHATDB_URL (http://chatdb.local), MINIKUBE_PROFILE (minikube).
set -euo pipefail

url="${CHATDB_URL:-http://chatdb.local}"
failures=0
ok() { printf '  %-52s ok\n' "$1"; }
bad() { printf '  %-52s FAILED %s\n' "$1" "${2:-}"; failures=$((failures + 1)); }

echo "health-check: workloads"
columns='NS:.metadata.namespace,KIND:.kind,NAME:.metadata.name'
while read -r ns kind name ready desired; do
  if [ "$ready" = "$desired" ] && [ "$desired" != 0 ]; then
    ok "$ns $kind/$name ($ready/$desired)"
  else
    bad "$ns $kind/$name" "($ready of $desired ready)"
  fi
done < <(
  kubectl get deployments,statefulsets -A -l app.kubernetes.io/part-of=chatdb --no-headers \
    -o custom-columns="$columns,READY:.status.readyReplicas,DESIRED:.spec.replicas"
  kubectl get daemonsets -A -l app.kubernetes.io/part-of=chatdb --no-headers \
    -o custom-columns="$columns,READY:.status.numberReady,DESIRED:.status.desiredNumberScheduled"
)

echo "health-check: services (/health, /ready)"
for svc in training-orchestrator test-service query-parser ml-engine model-registry; do
  for path in health ready; do
    if out="$(kubectl get --raw "/api/v1/namespaces/chatdb-services/services/${svc}:http/proxy/${path}" 2>&1)"; then
      ok "$svc /$path"
    else
      bad "$svc /$path" "$(echo "$out" | head -c 200)"
    fi
  done
done

echo "health-check: ingress ($url)"
curl_args=(--silent --show-error --fail --max-time 10)
host="${url#*://}"; host="${host%%/*}"
if ! getent hosts "$host" >/dev/null 2>&1 && command -v minikube >/dev/null 2>&1; then
  # No /etc/hosts entry: reach the ingress at Minikube's address directly.
  curl_args+=(--resolve "$host:80:$(minikube -p "${MINIKUBE_PROFILE:-minikube}" ip)")
fi
for path in /test/ /api/v1/jobs; do
  if out="$(curl "${curl_args[@]}" "$url$path" 2>&1)"; then
    ok "GET $url$path"
  else
    bad "GET $url$path" "$(echo "$out" | head -c 200)"
  fi
done

if [ "$failures" -gt 0 ]; then
  echo "health-check: $failures check(s) failed; see kubectl get pods -A and kubectl describe"
  exit 1
fi
echo "health-check: all checks passed"
