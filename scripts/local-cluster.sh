#!/usr/bin/env bash
# The distributed topology on one machine: PostgreSQL, a Kafka-protocol broker with the topics,
# s3rver with the bucket model-artifacts, and the five services as separate `chatdb serve`
# processes configured only through the environment variables of the Kubernetes ConfigMaps.
#
#   scripts/local-cluster.sh up | down | status | env
#   scripts/local-cluster.sh stop|start postgres|broker|s3rver|SERVICE   (outage experiments)
#
# Everything lives under $CHATDB_CLUSTER_DIR (default .cluster/): data, logs, pid files and
# cluster.env (the variables the services got, plus the base URLs, for tests to source).
# Ports: $CHATDB_CLUSTER_PORT_BASE (default 8000) for the services, base+1000.. for the rest.
# `down` stops exactly the processes that `up` recorded.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$(realpath -m "${CHATDB_CLUSTER_DIR:-$root/.cluster}")"
base="${CHATDB_CLUSTER_PORT_BASE:-8000}"
bin="${CHATDB_BIN:-$root/build/chatdb}"
broker_bin="${CHATDB_BROKER_BIN:-$root/build/src/bus/chatdb-test-broker}"
s3rver="$root/tools/node/node_modules/.bin/s3rver"
pg_bin="$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)"
services=(training-orchestrator test-service query-parser ml-engine model-registry)
pg_port=$((base + 1432)); kafka_port=$((base + 1092)); s3_port=$((base + 1900))

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

wait_for() {  # wait_for DESCRIPTION COMMAND...
  local what=$1; shift
  for _ in $(seq 200); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  echo "local-cluster: $what did not come up; see $dir/logs" >&2
  return 1
}

write_env() {
  local p=$base
  cat > "$dir/cluster.env" <<ENV
CHATDB_HOST=127.0.0.1
TRAINING_ORCHESTRATOR_PORT=$p
TEST_SERVICE_PORT=$((p + 1))
QUERY_PARSER_PORT=$((p + 2))
ML_ENGINE_PORT=$((p + 3))
MODEL_REGISTRY_PORT=$((p + 4))
TRAINING_ORCHESTRATOR_URL=http://127.0.0.1:$p
QUERY_PARSER_URL=http://127.0.0.1:$((p + 2))
ML_ENGINE_URL=http://127.0.0.1:$((p + 3))
MODEL_REGISTRY_URL=http://127.0.0.1:$((p + 4))
TEST_SERVICE_URL=http://127.0.0.1:$((p + 1))
DATABASE_URL=postgresql://postgres@127.0.0.1:$pg_port/chatdb
KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$kafka_port
QUERY_TOPIC=queries
RESULT_TOPIC=query_results
TRAINING_TOPIC=training_jobs
JOB_EVENTS_TOPIC=job_events
PREDICTION_TOPIC=predictions
MODEL_EVENTS_TOPIC=model_events
S3_ENDPOINT=http://127.0.0.1:$s3_port
S3_BUCKET=model-artifacts
AWS_ACCESS_KEY_ID=S3RVER
AWS_SECRET_ACCESS_KEY=S3RVER
CHATDB_DATA_DIR=$dir/data
CHATDB_CPU_CAPACITY=${CHATDB_CPU_CAPACITY:-2}
ENV
}

# PostgreSQL's files must be reachable by user postgres when we run as root; a private
# directory (a pytest tmp dir, say) is not, so its data then lives in /tmp, noted in pg.path.
pg_dir() {
  if [ -f "$dir/pg.path" ]; then cat "$dir/pg.path"; return; fi
  local d="$dir/pg"
  if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$dir"; then
    d=$(mktemp -d /tmp/chatdb-cluster-pg.XXXXXX)
  fi
  mkdir -p "$d"
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$d"; fi
  echo "$d" > "$dir/pg.path"
  echo "$d"
}

start_postgres() {
  local pg; pg=$(pg_dir)
  if [ ! -f "$pg/data/PG_VERSION" ]; then
    as_postgres "$pg_bin/initdb" -D "$pg/data" -U postgres -A trust --no-sync >"$dir/logs/initdb.log"
  fi
  as_postgres "$pg_bin/pg_ctl" -D "$pg/data" -l "$pg/postgres.log" -w \
    -o "-p $pg_port -k $pg -c listen_addresses=127.0.0.1" start >/dev/null
  as_postgres "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = 'chatdb'" | grep -q 1 ||
    as_postgres "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres chatdb
}

start_broker() {
  "$broker_bin" --port "$kafka_port" --partitions 3 --until-signal \
    queries query_results training_jobs job_events predictions model_events >"$dir/logs/broker.out" 2>"$dir/logs/broker.log" &
  echo $! > "$dir/pids/broker"
  wait_for "the broker" bash -c "exec 3<>/dev/tcp/127.0.0.1/$kafka_port"
}

start_s3() {
  mkdir -p "$dir/s3"
  # s3rver's listing continuation tokens need the legacy OpenSSL provider on Node 17+.
  NODE_OPTIONS=--openssl-legacy-provider "$s3rver" --address 127.0.0.1 --port "$s3_port" --directory "$dir/s3" \
    --configure-bucket model-artifacts --silent >"$dir/logs/s3rver.log" 2>&1 &
  echo $! > "$dir/pids/s3rver"
  wait_for "s3rver" curl -sf "http://127.0.0.1:$s3_port/"
}

# When the shared keys file (data/api-keys) holds API keys, the services call each other with
# a key of their own, local-cluster (write scope), made once; its token stays in service-token
# (mode 0600). Create keys before `up`, or restart ml-engine after creating the first one.
service_key() {
  local keys
  keys=$(env -i PATH="$PATH" CHATDB_DATA_DIR="$dir/data" "$bin" keys list 2>/dev/null || true)
  [ -n "$keys" ] || return 0
  if ! grep -q '^local-cluster ' <<<"$keys" || [ ! -s "$dir/service-token" ]; then
    env -i PATH="$PATH" CHATDB_DATA_DIR="$dir/data" "$bin" keys revoke local-cluster >/dev/null 2>&1 || true
    (umask 077 && env -i PATH="$PATH" CHATDB_DATA_DIR="$dir/data" "$bin" keys create local-cluster --scopes write \
      2>/dev/null >"$dir/service-token")
  fi
}

start_services() {  # start_services [SERVICE...]: all by default
  local env_args=() which=("$@")
  [ ${#which[@]} -gt 0 ] || which=("${services[@]}")
  while IFS= read -r line; do env_args+=("$line"); done < "$dir/cluster.env"
  service_key
  if [ -s "$dir/service-token" ]; then env_args+=("CHATDB_API_KEY=$(cat "$dir/service-token")"); fi
  for s in "${which[@]}"; do
    env -i PATH="$PATH" HOME="${HOME:-/root}" "${env_args[@]}" "$bin" serve "$s" \
      >>"$dir/logs/$s.out" 2>>"$dir/logs/$s.log" &
    echo $! > "$dir/pids/$s"
  done
  local i
  for s in "${which[@]}"; do
    for i in "${!services[@]}"; do
      if [ "${services[$i]}" = "$s" ]; then wait_for "$s /ready" curl -sf "http://127.0.0.1:$((base + i))/ready"; fi
    done
  done
}

stop_group() {
  local pids=()
  for s in "$@"; do
    if alive "$dir/pids/$s"; then pids+=("$(cat "$dir/pids/$s")"); kill "${pids[-1]}"; fi
    rm -f "$dir/pids/$s"
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
}

up() {
  for s in broker s3rver "${services[@]}"; do
    if alive "$dir/pids/$s"; then echo "local-cluster: already up ($s running); run down first" >&2; exit 1; fi
  done
  [ -x "$bin" ] || { echo "local-cluster: $bin missing; run make build" >&2; exit 1; }
  mkdir -p "$dir/logs" "$dir/pids" "$dir/data"
  write_env
  start_postgres
  start_broker
  start_s3
  start_services
  echo "local-cluster: up (state in $dir)"
  status
}

down() {
  # Services first (they drain), then what they depend on; each group stops in parallel.
  stop_group "${services[@]}"
  stop_group s3rver broker
  if [ -f "$dir/pg.path" ] && [ -f "$(cat "$dir/pg.path")/data/postmaster.pid" ]; then
    as_postgres "$pg_bin/pg_ctl" -D "$(cat "$dir/pg.path")/data" -m fast -w stop >/dev/null || true
  fi
  echo "local-cluster: down"
}

status() {
  local code=0
  if [ -f "$dir/cluster.env" ]; then
    # shellcheck disable=SC1091
    . "$dir/cluster.env"
  fi
  if [ -f "$dir/pg.path" ] && [ -f "$(cat "$dir/pg.path")/data/postmaster.pid" ]; then
    echo "postgresql      running  127.0.0.1:$pg_port"
  else echo "postgresql      stopped"; code=1; fi
  for s in broker s3rver; do
    if alive "$dir/pids/$s"; then printf '%-15s running  pid %s\n' "$s" "$(cat "$dir/pids/$s")"
    else printf '%-15s stopped\n' "$s"; code=1; fi
  done
  local i=0
  for s in "${services[@]}"; do
    local port=$((base + i)); i=$((i + 1))
    if alive "$dir/pids/$s"; then
      local ready; ready=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/ready" || true)
      printf '%-22s running  http://127.0.0.1:%s  /ready %s\n' "$s" "$port" "$ready"
      [ "$ready" = 200 ] || code=1
    else
      printf '%-22s stopped\n' "$s"; code=1
    fi
  done
  return $code
}

# One part of a running cluster, for outage experiments; a stopped part starts again on the
# same port with the same data.
stop_part() {
  case "$1" in
    postgres) as_postgres "$pg_bin/pg_ctl" -D "$(pg_dir)/data" -m fast -w stop >/dev/null ;;
    broker|s3rver) stop_group "$1" ;;
    *) valid_service "$1"; stop_group "$1" ;;
  esac
}

start_part() {
  case "$1" in
    postgres) start_postgres ;;
    broker) start_broker ;;
    s3rver) start_s3 ;;
    *) valid_service "$1"; start_services "$1" ;;
  esac
}

valid_service() {
  local s
  for s in "${services[@]}"; do [ "$s" = "$1" ] && return 0; done
  echo "local-cluster: unknown part '$1'; use postgres, broker, s3rver or one of ${services[*]}" >&2
  exit 2
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  env) cat "$dir/cluster.env" ;;
  stop) stop_part "${2:?part}" ;;
  start) start_part "${2:?part}" ;;
  *) echo "usage: $0 up|down|status|env|stop PART|start PART" >&2; exit 2 ;;
esac
