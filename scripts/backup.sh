#!/usr/bin/env bash
# Backup of ChatDB's metadata database (pg_dump / SQLite) and model artifacts (S3 or the local
# artifact directory), configured by the services' variables (DATABASE_URL, S3_ENDPOINT, S3_BUCKET,
# AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, CHATDB_DATA_DIR); see tools/backup/chatdb_backup.py.
#   scripts/backup.sh DIRECTORY
# DIRECTORY must be new or empty. For a local cluster: scripts/local-cluster.sh env > /tmp/c.env; set -a; . /tmp/c.env; set +a; scripts/backup.sh DIR
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 DIRECTORY" >&2; exit 2; }
exec /usr/bin/python3 "$(dirname "$0")/../tools/backup/chatdb_backup.py" backup "$1"
