#!/usr/bin/env bash
# Builds the ChatDB images from the Dockerfile, one target each, into Minikube's Docker daemon
# so that the pods find them without a registry (the manifests use imagePullPolicy: Never).
#
#   scripts/build-images.sh [target ...]     default: every target below
#
# Set CHATDB_DOCKER=host to build with the local Docker daemon instead of Minikube's.
set -euo pipefail
cd "$(dirname "$0")/.."

# Image chatdb/<target>:latest for each Dockerfile target; tests/k8s checks that every
# chatdb/* image in the manifests is one of these.
targets=(
  training-orchestrator
  test-service
  query-parser
  ml-engine
  model-registry
  console
  integration-tests
  locust
)

if [ $# -gt 0 ]; then
  for t in "$@"; do
    if [[ ! " ${targets[*]} " =~ [[:space:]]${t}[[:space:]] ]]; then
      echo "build-images: unknown target $t (known: ${targets[*]})" >&2
      exit 2
    fi
  done
  targets=("$@")
fi

if [ "${CHATDB_DOCKER:-minikube}" = minikube ]; then
  # Points docker at the daemon inside the Minikube node.
  eval "$(minikube -p "${MINIKUBE_PROFILE:-minikube}" docker-env --shell bash)"
fi

commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
for t in "${targets[@]}"; do
  echo "build-images: chatdb/$t:latest"
  docker build --target "$t" --label "org.opencontainers.image.revision=$commit" \
    -t "chatdb/$t:latest" -t "chatdb/$t:$commit" .
done
echo "build-images: built ${#targets[@]} images. Next: scripts/deploy-all.sh"
