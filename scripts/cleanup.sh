#!/usr/bin/env bash
# Removes ChatDB from the cluster: every object of the overlay, including the namespaces and
# with them the PersistentVolumeClaims (the data is gone). --all also deletes the Minikube
# cluster itself.
#
#   scripts/cleanup.sh [--all]
#
# Settings (environment): CHATDB_OVERLAY (kubernetes/overlays/minikube), MINIKUBE_PROFILE.
set -euo pipefail
cd "$(dirname "$0")/.."

overlay="${CHATDB_OVERLAY:-kubernetes/overlays/minikube}"
delete_cluster=0
for arg in "$@"; do
  case "$arg" in
    --all) delete_cluster=1 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "cleanup: unknown argument $arg (see --help)" >&2; exit 2 ;;
  esac
done

if [ "$delete_cluster" -eq 1 ]; then
  minikube -p "${MINIKUBE_PROFILE:-minikube}" delete
  echo "cleanup: cluster deleted; remove the chatdb.local line from /etc/hosts if you added one"
  exit 0
fi

# Stops running experiments; fails harmlessly when Chaos Mesh is not installed.
kubectl delete -k chaos/ --ignore-not-found 2>/dev/null || true
kubectl kustomize "$overlay" | kubectl delete --ignore-not-found --wait=true -f -
echo "cleanup: ChatDB removed"
