#!/usr/bin/env bash
# Removes ChatDB from the cluster: every object of the overlay, including the namespaces and
# with them the PersistentVolumeClaims (the data is gone), and the "IP chatdb.local" line that
# setup-minikube.sh added to /etc/hosts (sudo when needed). --all also deletes the Minikube
# cluster itself; --keep-hosts leaves /etc/hosts alone.
#
#   scripts/cleanup.sh [--all] [--keep-hosts]
#
# Settings (environment): CHATDB_OVERLAY (kubernetes/overlays/minikube), MINIKUBE_PROFILE,
# CHATDB_HOSTS_FILE (/etc/hosts).
set -euo pipefail
cd "$(dirname "$0")/.."

overlay="${CHATDB_OVERLAY:-kubernetes/overlays/minikube}"
hosts="${CHATDB_HOSTS_FILE:-/etc/hosts}"
delete_cluster=0
edit_hosts=1
for arg in "$@"; do
  case "$arg" in
    --all) delete_cluster=1 ;;
    --keep-hosts) edit_hosts=0 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "cleanup: unknown argument $arg (see --help)" >&2; exit 2 ;;
  esac
done

# Exactly the line setup-minikube.sh adds ("IP chatdb.local"); other lines naming chatdb.local
# (with aliases, or commented) are the user's and stay.
entry='^[0-9.]+[[:space:]]+chatdb\.local[[:space:]]*$'
remove_hosts_entry() {
  [ "$edit_hosts" -eq 1 ] && [ -f "$hosts" ] || return 0
  grep -Eq "$entry" "$hosts" || return 0
  local kept
  kept="$(grep -Ev "$entry" "$hosts" || true)"
  if [ -w "$hosts" ]; then
    printf '%s\n' "$kept" > "$hosts"
  else
    printf '%s\n' "$kept" | sudo tee "$hosts" >/dev/null
  fi
  echo "cleanup: removed the chatdb.local entry from $hosts"
}

if [ "$delete_cluster" -eq 1 ]; then
  minikube -p "${MINIKUBE_PROFILE:-minikube}" delete
  remove_hosts_entry
  echo "cleanup: cluster deleted"
  exit 0
fi

# Stops running experiments; fails harmlessly when Chaos Mesh is not installed.
kubectl delete -f chaos/ --ignore-not-found 2>/dev/null || true
kubectl kustomize "$overlay" | kubectl delete --ignore-not-found --wait=true -f -
remove_hosts_entry
echo "cleanup: ChatDB removed"
