#!/usr/bin/env bash
# Restore of ChatDB's metadata database (pg_dump / SQLite) and model artifacts (S3 or the local
# artifact directory), configured by the services' variables (DATABASE_URL, S3_ENDPOINT, S3_BUCKET,
# AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, CHATDB_DATA_DIR); see tools/backup/chatdb_backup.py.
#   scripts/restore.sh DIRECTORY
# Restores into the instance the variables name, replacing its database: stop its services first,
# start them afterwards. Every artifact is checked against the backup's manifest before anything
# is written; a damaged backup is refused (exit 1) and nothing changes.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 DIRECTORY" >&2; exit 2; }
exec /usr/bin/python3 "$(dirname "$0")/../tools/backup/chatdb_backup.py" restore "$1"
