#!/usr/bin/env bash
# Writes the ConfigMap locust-scripts, which the Locust pods mount at /mnt/locust, into
# kubernetes/testing/locust.yaml (the document after its "ConfigMap locust-scripts" marker), from
# the files of locust/: the one copy that is edited (Locust on this machine, `make test-load`,
# and the locust image read it directly). tests/k8s fails while the two differ.
#
#   scripts/locust-configmap.sh
set -euo pipefail
cd "$(dirname "$0")/.."

out=kubernetes/testing/locust.yaml
marker='^# --- ConfigMap locust-scripts: '
grep -q "$marker" "$out" || { echo "locust-configmap: no marker line in $out" >&2; exit 1; }
configmap="$(mktemp)"
trap 'rm -f "$configmap" "$out.new"' EXIT
{
  cat <<'HEADER'
apiVersion: v1
kind: ConfigMap
metadata:
  name: locust-scripts
  namespace: chatdb-testing
  labels:
    app.kubernetes.io/part-of: chatdb
    chatdb.io/component: testing
data:
HEADER
  for f in locust/*.py; do
    echo "  $(basename "$f"): |"
    sed 's/^\(.\)/    \1/' "$f"
  done
} >"$configmap"
# The marker line, then the ConfigMap in place of everything up to the next document.
awk -v marker="$marker" -v configmap="$configmap" '
  skipping && /^---$/ { skipping = 0 }
  skipping { next }
  { print }
  $0 ~ marker { while ((getline line < configmap) > 0) print line; skipping = 1 }
' "$out" >"$out.new"
mv "$out.new" "$out"
echo "locust-configmap: wrote ConfigMap locust-scripts into $out"
