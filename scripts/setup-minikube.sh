#!/usr/bin/env bash
# Starts a Minikube cluster that can run ChatDB: Calico (so that the NetworkPolicies are
# enforced), the ingress and metrics-server addons (the ingress and the orchestrator's HPA),
# and an /etc/hosts entry for chatdb.local. Idempotent: re-running keeps a running cluster.
#
#   scripts/setup-minikube.sh [--with-chaos-mesh] [--no-hosts]
#
# Settings (environment): MINIKUBE_PROFILE (minikube), MINIKUBE_DRIVER (docker),
# MINIKUBE_CPUS (4), MINIKUBE_MEMORY (8192, MiB), MINIKUBE_DISK (30g),
# KUBERNETES_VERSION (v1.30.0), CHAOS_MESH_VERSION (2.6.3).
set -euo pipefail

profile="${MINIKUBE_PROFILE:-minikube}"
driver="${MINIKUBE_DRIVER:-docker}"
cpus="${MINIKUBE_CPUS:-4}"
memory="${MINIKUBE_MEMORY:-8192}"
disk="${MINIKUBE_DISK:-30g}"
k8s_version="${KUBERNETES_VERSION:-v1.30.0}"
chaos_version="${CHAOS_MESH_VERSION:-2.6.3}"
with_chaos=0
edit_hosts=1

for arg in "$@"; do
  case "$arg" in
    --with-chaos-mesh) with_chaos=1 ;;
    --no-hosts) edit_hosts=0 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "setup-minikube: unknown argument $arg (see --help)" >&2; exit 2 ;;
  esac
done

need() {
  if ! command -v "$1" >/dev/null 2>&1; then
    echo "setup-minikube: $1 is not installed. $2" >&2
    exit 1
  fi
}
need minikube "Install it: https://minikube.sigs.k8s.io/docs/start/"
need kubectl "Install it: https://kubernetes.io/docs/tasks/tools/ (or use 'minikube kubectl --')"
if [ "$driver" = docker ]; then
  need docker "The docker driver needs Docker: https://docs.docker.com/engine/install/"
fi

if minikube -p "$profile" status --format '{{.APIServer}}' 2>/dev/null | grep -q Running; then
  echo "setup-minikube: cluster '$profile' is running"
else
  echo "setup-minikube: starting '$profile' ($driver, ${cpus} CPUs, ${memory} MiB, Kubernetes $k8s_version)"
  minikube start -p "$profile" --driver="$driver" --cpus="$cpus" --memory="$memory" \
    --disk-size="$disk" --kubernetes-version="$k8s_version" --cni=calico
fi
kubectl config use-context "$profile" >/dev/null

echo "setup-minikube: enabling addons ingress and metrics-server"
minikube -p "$profile" addons enable ingress
minikube -p "$profile" addons enable metrics-server

echo "setup-minikube: waiting for the ingress controller"
kubectl -n ingress-nginx wait --for=condition=Ready pod \
  -l app.kubernetes.io/component=controller --timeout=300s

if [ "$with_chaos" -eq 1 ]; then
  need helm "Chaos Mesh installs with Helm: https://helm.sh/docs/intro/install/"
  echo "setup-minikube: installing Chaos Mesh $chaos_version"
  helm repo add chaos-mesh https://charts.chaos-mesh.org >/dev/null
  helm repo update chaos-mesh >/dev/null
  helm upgrade --install chaos-mesh chaos-mesh/chaos-mesh --namespace chaos-mesh --create-namespace \
    --version "$chaos_version" --set chaosDaemon.runtime=docker \
    --set chaosDaemon.socketPath=/var/run/docker.sock --set dashboard.create=false --wait
fi

ip="$(minikube -p "$profile" ip)"
if grep -Eq "^[0-9.]+[[:space:]]+chatdb\.local([[:space:]]|$)" /etc/hosts; then
  if ! grep -Eq "^${ip//./\\.}[[:space:]]+chatdb\.local([[:space:]]|$)" /etc/hosts; then
    echo "setup-minikube: /etc/hosts has chatdb.local at another address; point it at $ip" >&2
  fi
elif [ "$edit_hosts" -eq 1 ]; then
  echo "setup-minikube: adding '$ip chatdb.local' to /etc/hosts"
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  echo "$ip chatdb.local" | "${sudo_cmd[@]}" tee -a /etc/hosts >/dev/null
else
  echo "setup-minikube: add this line to /etc/hosts: $ip chatdb.local"
fi

echo "setup-minikube: ready. Next: scripts/build-images.sh"
