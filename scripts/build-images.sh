#!/usr/bin/env bash
# Builds the ChatDB images from the Dockerfile, one target each, into Minikube's Docker daemon
# so that the pods find them without a registry (the manifests use imagePullPolicy: Never).
#
#   scripts/build-images.sh [target ...]     default: every target below
#
# CHATDB_DOCKER chooses the builder:
#   minikube  (default) the Docker daemon inside Minikube
#   host      this machine's Docker daemon
#   podman    no daemon: `podman build --isolation=chroot` on a debian:bookworm-slim that
#             scripts/base-image.sh makes with mmdebstrap (no registry either); the images land
#             in podman's store as localhost/chatdb/<target> (`make images`, `make test-images`)
#   auto      host when a Docker daemon answers, podman otherwise (what `make images` uses)
# With podman, CHATDB_CCACHE_DIR (default: this machine's ccache directory, if ccache is
# installed; empty: none) is mounted as the compile step's ccache, and CHATDB_BUILD_LOCK names
# a lock file to hold (flock) during each build, for machines whose builds share the CPUs.
# CHATDB_BUILD_ARGS: more arguments for every build (e.g. --no-cache).
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

builder="${CHATDB_DOCKER:-minikube}"
if [ "$builder" = auto ]; then
  if command -v docker >/dev/null && docker info >/dev/null 2>&1; then builder=host; else builder=podman; fi
fi
build=(docker build)
case "$builder" in
  minikube)
    # Points docker at the daemon inside the Minikube node.
    eval "$(minikube -p "${MINIKUBE_PROFILE:-minikube}" docker-env --shell bash)" ;;
  host) ;;
  podman)
    scripts/base-image.sh
    build=(podman build --isolation=chroot --pull=never)
    ccache_dir="${CHATDB_CCACHE_DIR-$(ccache -k cache_dir 2>/dev/null || true)}"
    if [ -n "$ccache_dir" ]; then
      mkdir -p "$ccache_dir"
      build+=(--volume "$ccache_dir:/root/.cache/ccache")
    fi
    if [ -n "${CHATDB_BUILD_LOCK:-}" ]; then build=(flock "$CHATDB_BUILD_LOCK" "${build[@]}"); fi ;;
  *) echo "build-images: CHATDB_DOCKER=$builder: minikube, host, podman or auto" >&2; exit 2 ;;
esac

commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
for t in "${targets[@]}"; do
  echo "build-images: chatdb/$t:latest ($builder)"
  start=$SECONDS
  # shellcheck disable=SC2086  # CHATDB_BUILD_ARGS is a list of words
  "${build[@]}" ${CHATDB_BUILD_ARGS:-} --target "$t" --label "org.opencontainers.image.revision=$commit" \
    -t "chatdb/$t:latest" -t "chatdb/$t:$commit" .
  echo "build-images: chatdb/$t:latest in $((SECONDS - start)) s"
done
echo "build-images: built ${#targets[@]} images. Next: scripts/deploy-all.sh"
