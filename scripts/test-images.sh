#!/usr/bin/env bash
# `make test-images`: checks the images that `make images` built into podman's store.
#   - each service image: its own command (`chatdb serve <service>`, as user 10001) starts the
#     service, which answers GET /health with its name;
#   - chatdb/integration-tests: its entry point (pytest of tests/integration) passes against the
#     `chatdb up` that its conftest starts from the image's own chatdb;
#   - chatdb/locust: a master and a worker, with the arguments of kubernetes/testing/locust.yaml,
#     run a short headless load against `chatdb up` (from the training-orchestrator image): the
#     worker connects, requests are made and none fails.
# Containers share this machine's network (free ports of 127.0.0.1) and are removed afterwards.
#
#   scripts/test-images.sh [image ...]     default: every image (names without chatdb/)
#
# CHATDB_IMAGE_RUN: how to start a container: podman (`podman run`), chroot (the image's root
# file system from `podman image mount`, entered with unshare and chroot, read-only but for
# tmpfs on /tmp and the data directory, as in the pods), or auto (default: podman when a probe
# container starts, chroot otherwise). Where podman's defaults are refused (no CAP_SYS_RESOURCE
# to raise the open-file limit, crun and hybrid cgroups), auto retries with runc and this
# machine's limits before it falls back to chroot.
set -euo pipefail
cd "$(dirname "$0")/.."

services=(training-orchestrator test-service query-parser ml-engine model-registry)
declare -A port_var=([training-orchestrator]=TRAINING_ORCHESTRATOR_PORT [test-service]=TEST_SERVICE_PORT
  [query-parser]=QUERY_PARSER_PORT [ml-engine]=ML_ENGINE_PORT [model-registry]=MODEL_REGISTRY_PORT)
declare -A url_var=([training-orchestrator]=TRAINING_ORCHESTRATOR_URL [test-service]=TEST_SERVICE_URL
  [query-parser]=QUERY_PARSER_URL [ml-engine]=ML_ENGINE_URL [model-registry]=MODEL_REGISTRY_URL)

work="$(mktemp -d "${TMPDIR:-/tmp}/chatdb-test-images.XXXXXX")"
started=()
mounted=()
cleanup() {
  local c
  for c in "${started[@]}"; do stop "$c"; done
  for c in "${mounted[@]}"; do podman image unmount "$c" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT
failures=0
wanted=("$@")
# want IMAGE: whether to check it (every image when none is named).
want() { [ ${#wanted[@]} -eq 0 ] || [[ " ${wanted[*]} " == *" $1 "* ]]; }
fail() { echo "test-images: FAIL: $*" >&2; failures=$((failures + 1)); }
ok() { echo "test-images: ok: $*"; }

for t in "${services[@]}" console integration-tests locust; do
  podman image exists "chatdb/$t:latest" || { echo "test-images: chatdb/$t:latest is not built: make images" >&2; exit 1; }
done

# --- how containers start --------------------------------------------------------------------
probe_image=chatdb/training-orchestrator:latest
mode="${CHATDB_IMAGE_RUN:-auto}"
podman_opts=(--network host)
if [ "$mode" = auto ]; then
  mode=chroot
  nofile="$(ulimit -Hn)"
  for extra in "" "--runtime runc --ulimit nofile=$nofile:$nofile --ulimit nproc=4096:4096"; do
    # shellcheck disable=SC2086
    if podman run --rm --network host $extra --entrypoint /bin/true "$probe_image" >/dev/null 2>"$work/probe.err"; then
      mode=podman
      read -r -a more <<<"$extra"
      podman_opts+=("${more[@]}")
      break
    fi
  done
  [ "$mode" = podman ] || echo "test-images: podman run refused ($(tail -1 "$work/probe.err")): chroot"
fi
echo "test-images: containers start with $mode${podman_opts[2]:+ (${podman_opts[*]:2})}"

inspect() { podman image inspect -f "$2" "$1"; }

# start NAME IMAGE [-e VAR=VALUE ...] [-- ARGS...]: the image's entry point in the background,
# with ARGS instead of its command when given; output in $work/NAME.log.
start() {
  local name="$1" image="$2"; shift 2
  local envs=() args=() have_args=0
  while [ $# -gt 0 ]; do
    case "$1" in
      -e) envs+=("$2"); shift 2 ;;
      --) shift; args=("$@"); have_args=1; break ;;
      *) echo "start: $1?" >&2; exit 2 ;;
    esac
  done
  if [ "$mode" = podman ]; then
    local e opts=()
    for e in "${envs[@]}"; do opts+=(-e "$e"); done
    podman rm -f "chatdb-test-$name" >/dev/null 2>&1 || true  # left by an interrupted run
    podman run -d --name "chatdb-test-$name" "${podman_opts[@]}" "${opts[@]}" "$image" \
      "${args[@]}" >/dev/null
    (podman logs -f "chatdb-test-$name" >"$work/$name.log" 2>&1 &)
  else
    local root user workdir
    root="$(podman image mount "$image")"
    mounted+=("$image")
    user="$(inspect "$image" '{{.Config.User}}')"
    workdir="$(inspect "$image" '{{.Config.WorkingDir}}')"
    local cmd=() line
    while IFS= read -r line; do [ -n "$line" ] && cmd+=("$line"); done < <(inspect "$image" '{{range .Config.Entrypoint}}{{println .}}{{end}}')
    if [ "$have_args" -eq 1 ]; then
      cmd+=("${args[@]}")
    else
      while IFS= read -r line; do [ -n "$line" ] && cmd+=("$line"); done < <(inspect "$image" '{{range .Config.Cmd}}{{println .}}{{end}}')
    fi
    local image_env=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)  # podman run's default
    while IFS= read -r line; do [ -n "$line" ] && image_env+=("$line"); done < <(inspect "$image" '{{range .Config.Env}}{{println .}}{{end}}')
    # A private mount and PID namespace: /proc, /dev and tmpfs (writable /tmp and data dir)
    # exist only for the container's processes and go with them.
    # shellcheck disable=SC2016  # the script expands its own arguments, in the new namespaces
    setsid unshare --mount --pid --fork --kill-child /bin/sh -c '
      root="$1" user="$2" workdir="$3"; shift 3
      mount --make-rprivate /
      mount -t proc proc "$root/proc"
      mount --rbind /dev "$root/dev"
      mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"
      [ -d "$root/var/lib/chatdb" ] && mount -t tmpfs -o uid=10001,gid=10001 tmpfs "$root/var/lib/chatdb"
      exec chroot --userspec="${user:-0:0}" "$root" /bin/sh -c "cd \"\${WORKDIR:-/}\" && exec \"\$@\"" sh "$@"
    ' sh "$root" "$user" "$workdir" env -i "${image_env[@]}" "WORKDIR=$workdir" "${envs[@]}" "${cmd[@]}" \
      >"$work/$name.log" 2>&1 &
    echo $! >"$work/$name.pid"
  fi
  started+=("$name")
}

stop() {
  if [ "$mode" = podman ]; then
    podman rm -f -t 5 "chatdb-test-$1" >/dev/null 2>&1 || true
  elif [ -f "$work/$1.pid" ]; then
    kill -TERM -- "-$(cat "$work/$1.pid")" 2>/dev/null || true
    rm -f "$work/$1.pid"
  fi
}

# wait_exit NAME SECONDS: sets rc to the exit code of a container started with start (124: it
# was still running after SECONDS).
wait_exit() {
  rc=0
  if [ "$mode" = podman ]; then
    rc="$(timeout "$2" podman wait "chatdb-test-$1" | tail -1)" || rc=124
  else
    local pid deadline=$((SECONDS + $2))
    pid="$(cat "$work/$1.pid")"
    while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 1; done
    if kill -0 "$pid" 2>/dev/null; then rc=124; else wait "$pid" || rc=$?; fi
  fi
}

free_ports() {
  /usr/bin/python3 -c '
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))' "$1"
}

# health URL SECONDS: the body of GET URL/health once it answers 200.
health() {
  local deadline=$((SECONDS + $2))
  while [ $SECONDS -lt $deadline ]; do
    if curl -fsS --max-time 2 "$1/health" 2>/dev/null; then return 0; fi
    sleep 0.5
  done
  return 1
}

# --- each service image ---------------------------------------------------------------------
for t in "${services[@]}"; do
  want "$t" || continue
  read -r port <<<"$(free_ports 1)"
  start "$t" "chatdb/$t:latest" -e "CHATDB_HOST=127.0.0.1" -e "${port_var[$t]}=$port"
  if body="$(health "http://127.0.0.1:$port" 60)" && [ "$(/usr/bin/python3 -c "import json, sys; print(json.loads(sys.argv[1]).get(\"service\"))" "$body")" = "$t" ]; then
    ok "chatdb/$t: chatdb serve $t answers /health: $body"
  else
    fail "chatdb/$t: no /health of $t on port $port: ${body:-nothing}; log:"; tail -20 "$work/$t.log" >&2
  fi
  stop "$t"
done

# --- the console image: `chatdb serve console` answers /health with its name, and its page --------
if want console; then
  read -r port <<<"$(free_ports 1)"
  start console chatdb/console:latest -e "CHATDB_HOST=127.0.0.1" -e "CHATDB_CONSOLE_PORT=$port"
  if body="$(health "http://127.0.0.1:$port" 60)" && [ "$(/usr/bin/python3 -c "import json, sys; print(json.loads(sys.argv[1]).get(\"service\"))" "$body")" = console ] &&
     curl -fsS --max-time 2 "http://127.0.0.1:$port/" | grep -q "<title>"; then
    ok "chatdb/console: chatdb serve console answers /health and serves its page"
  else
    fail "chatdb/console: no /health or page on port $port: ${body:-nothing}; log:"; tail -20 "$work/console.log" >&2
  fi
  stop console
fi

# --- the integration-test image: its entry point and command as the Job runs them ------------
if want integration-tests; then
  start integration-tests chatdb/integration-tests:latest
  wait_exit integration-tests 900
  summary="$(grep -E '(passed|failed|error)' "$work/integration-tests.log" | tail -1)"
  if [ "$rc" = 0 ] && grep -q passed <<<"$summary"; then
    ok "chatdb/integration-tests: pytest tests/integration: $summary"
  else
    fail "chatdb/integration-tests: exit $rc: ${summary:-no summary}; log:"; tail -40 "$work/integration-tests.log" >&2
  fi
fi

# --- the Locust image: master and worker against chatdb up ----------------------------------
if want locust; then
  read -r -a ports <<<"$(free_ports 6)"
  up_env=(-e "CHATDB_HOST=127.0.0.1" -e "CHATDB_CPU_CAPACITY=2")
  locust_env=()
  for i in "${!services[@]}"; do
    t="${services[$i]}"
    up_env+=(-e "${port_var[$t]}=${ports[$i]}")
    locust_env+=(-e "${url_var[$t]}=http://127.0.0.1:${ports[$i]}")
  done
  start up chatdb/training-orchestrator:latest "${up_env[@]}" -- up
  if health "http://127.0.0.1:${ports[0]}" 60 >/dev/null; then
    master_port="${ports[5]}"
    start locust-master chatdb/locust:latest "${locust_env[@]}" -- -f /mnt/locust/locustfile.py --master \
      --master-bind-host 127.0.0.1 --master-bind-port "$master_port" --headless --users 4 --spawn-rate 4 \
      --run-time 20s --expect-workers 1 --expect-workers-max-wait 60 --host "http://127.0.0.1:${ports[0]}"
    start locust-worker chatdb/locust:latest "${locust_env[@]}" -- -f /mnt/locust/locustfile.py --worker \
      --master-host 127.0.0.1 --master-port "$master_port"
    wait_exit locust-master 180
    total="$(grep -E '^ +Aggregated +[0-9]+ +[0-9]+\(' "$work/locust-master.log" | tail -1 | awk '{print $2, $3}')"
    if [ "$rc" = 0 ] && grep -q "reported as ready" "$work/locust-master.log" \
        && [ "${total%% *}" -gt 0 ] 2>/dev/null && [ "$(awk '{print $2}' <<<"$total")" = "0(0.00%)" ]; then
      ok "chatdb/locust: master and worker ran $total (requests, failures)"
    else
      fail "chatdb/locust: master exit $rc, requests/failures '${total:-none}'; master log:"
      tail -30 "$work/locust-master.log" >&2; echo "worker log:" >&2; tail -15 "$work/locust-worker.log" >&2
    fi
  else
    fail "chatdb up (chatdb/training-orchestrator) did not answer; log:"; tail -20 "$work/up.log" >&2
  fi
fi

if [ "$failures" -gt 0 ]; then
  echo "test-images: $failures check(s) failed" >&2
  exit 1
fi
echo "test-images: every image passed"
