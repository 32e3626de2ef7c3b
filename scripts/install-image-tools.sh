#!/usr/bin/env bash
# Installs, idempotently, the Debian packages that `make images` and `make test-images` need to
# build and run the images without a Docker daemon: podman (with runc, for hosts where crun
# cannot start containers), mmdebstrap for the base image, uidmap, and curl for the checks.
set -euo pipefail

packages=(podman runc mmdebstrap uidmap curl)
missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-image-tools: ${packages[*]} present"
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "install-image-tools: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
