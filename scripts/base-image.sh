#!/usr/bin/env bash
# Makes the Dockerfile's base image, debian:bookworm-slim, on this machine instead of pulling it
# from a registry: mmdebstrap's minbase variant of Debian bookworm (apt from the Debian mirror),
# imported into podman's image store under the name the Dockerfile uses. Nothing is done when the
# image is there already, unless --force.
#
#   scripts/base-image.sh [--force]
#
# Settings (environment): CHATDB_DEBIAN_MIRROR (http://deb.debian.org/debian),
# CHATDB_DEBIAN_SECURITY (http://deb.debian.org/debian-security).
set -euo pipefail

image=docker.io/library/debian:bookworm-slim
force=0
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "base-image: unknown argument $arg (see --help)" >&2; exit 2 ;;
  esac
done

if [ "$force" -eq 0 ] && podman image exists "$image"; then
  echo "base-image: $image is there ($(podman image inspect -f '{{.Created}}' "$image"))"
  exit 0
fi

mirror="${CHATDB_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
security="${CHATDB_DEBIAN_SECURITY:-http://deb.debian.org/debian-security}"
work="$(mktemp -d "${TMPDIR:-/var/tmp}/chatdb-base.XXXXXX")"
trap 'rm -rf "$work"' EXIT

echo "base-image: mmdebstrap bookworm (minbase) from $mirror"
mmdebstrap --quiet --variant=minbase --include=ca-certificates bookworm "$work/rootfs.tar" \
  "deb $mirror bookworm main" "deb $mirror bookworm-updates main" "deb $security bookworm-security main"
podman import --change 'CMD ["bash"]' "$work/rootfs.tar" "$image" >/dev/null
echo "base-image: imported $image ($(du -h "$work/rootfs.tar" | cut -f1))"
