#!/usr/bin/env bash
# Runs one command against a throwaway local cluster (scripts/local-cluster.sh): up in a new
# directory on free ports, the cluster's variables exported (base URLs, DATABASE_URL,
# KAFKA_BOOTSTRAP_SERVERS, S3_ENDPOINT, CHATDB_CLUSTER_DIR, ...), and down afterwards, also when
# the command fails or is interrupted. The exit status is the command's.
#
#   scripts/with-local-cluster.sh python3 -m pytest tests/integration
#
# CHATDB_KEEP_CLUSTER_DIR=1 keeps the directory (logs) after down.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
[ $# -gt 0 ] || { echo "usage: $0 COMMAND [ARGS...]" >&2; exit 2; }

CHATDB_CLUSTER_DIR="$(mktemp -d /tmp/chatdb-cluster.XXXXXX)"
chmod 755 "$CHATDB_CLUSTER_DIR"  # PostgreSQL runs as user postgres and keeps its data inside
CHATDB_CLUSTER_PORT_BASE="${CHATDB_CLUSTER_PORT_BASE:-$(cd "$root/tests/support" && /usr/bin/python3 -c \
  'from local_cluster import free_base; print(free_base())')}"
export CHATDB_CLUSTER_DIR CHATDB_CLUSTER_PORT_BASE

# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
  "$root/scripts/local-cluster.sh" down >/dev/null 2>&1 || true
  if [ -f "$CHATDB_CLUSTER_DIR/pg.path" ]; then
    pg="$(cat "$CHATDB_CLUSTER_DIR/pg.path")"
    case "$pg" in "$CHATDB_CLUSTER_DIR"/*) ;; *) rm -rf "$pg" ;; esac
  fi
  if [ "${CHATDB_KEEP_CLUSTER_DIR:-0}" = 1 ]; then echo "with-local-cluster: kept $CHATDB_CLUSTER_DIR" >&2
  else rm -rf "$CHATDB_CLUSTER_DIR"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ! "$root/scripts/local-cluster.sh" up >"$CHATDB_CLUSTER_DIR/up.log" 2>&1; then
  cat "$CHATDB_CLUSTER_DIR/up.log" >&2
  CHATDB_KEEP_CLUSTER_DIR=1
  exit 1
fi
set -a
# shellcheck disable=SC1091
. "$CHATDB_CLUSTER_DIR/cluster.env"
set +a
echo "with-local-cluster: up on port base $CHATDB_CLUSTER_PORT_BASE ($CHATDB_CLUSTER_DIR)" >&2
status=0
"$@" || status=$?
exit $status
