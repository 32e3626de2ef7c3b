#!/usr/bin/env bash
# Measures GET /health throughput of a chatdb service against the minimal Boost.Beast server
# (bench/minimal_beast_server.cpp) on this machine with wrk, and writes both figures and their
# ratio into bench/README.md between the health-throughput markers.
# The two servers are measured in alternating rounds and the medians compared, so that a burst
# of other load on the machine does not land on one side only. Run it on a quiet machine.
# Usage: bench/health_throughput.sh [seconds-per-round] [connections] [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
conns=${2:-32}
rounds=${3:-3}
bin=build/chatdb
minimal=build/bench_minimal_beast
threads=2

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 100); do curl -sf "http://127.0.0.1:$1/health" >/dev/null 2>&1 && return 0; sleep 0.05; done; return 1; }
rps() { wrk -t1 -c"$conns" -d"${secs}s" "http://127.0.0.1:$1/health" | awk '/Requests\/sec/ {print $2}'; }

p1=$(free_port); p2=$(free_port)
data=$(mktemp -d)
ML_ENGINE_PORT=$p1 CHATDB_HTTP_THREADS=$threads CHATDB_DATA_DIR=$data "$bin" serve ml-engine >/dev/null 2>&1 &
chatdb_pid=$!
"$minimal" "$p2" "$threads" &
minimal_pid=$!
trap 'kill $chatdb_pid $minimal_pid 2>/dev/null; rm -rf "$data"' EXIT
wait_port "$p1"; wait_port "$p2"

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
chatdb_runs=(); minimal_runs=()
for _ in $(seq "$rounds"); do
  chatdb_runs+=("$(rps "$p1")")
  minimal_runs+=("$(rps "$p2")")
done
chatdb_rps=$(printf '%s\n' "${chatdb_runs[@]}" | median)
minimal_rps=$(printf '%s\n' "${minimal_runs[@]}" | median)
ratio=$(awk -v a="$chatdb_rps" -v b="$minimal_rps" 'BEGIN { printf "%.2f", a / b }')
echo "chatdb /health: $chatdb_rps req/s; minimal Beast: $minimal_rps req/s; ratio $ratio"

table=$(cat <<TXT
<!-- health-throughput:start -->
Measured $(date -u +%Y-%m-%d) on $(nproc) cores by \`bench/health_throughput.sh $secs $conns $rounds\`
(wrk 1 thread, $conns connections; $rounds alternating rounds of ${secs} s, medians; both servers
on $threads I/O threads; chatdb writes its JSON access log to /dev/null and records metrics on
every request). Rounds: chatdb ${chatdb_runs[*]}; minimal ${minimal_runs[*]}.

| server | GET /health req/s |
|---|---|
| chatdb serve ml-engine | $chatdb_rps |
| minimal Boost.Beast server | $minimal_rps |
| ratio | $ratio |
<!-- health-throughput:end -->
TXT
)
/usr/bin/python3 - "$table" <<'PY'
import re, sys, pathlib
path = pathlib.Path("bench/README.md")
text = path.read_text()
new = sys.argv[1]
text = re.sub(r"<!-- health-throughput:start -->.*?<!-- health-throughput:end -->", lambda m: new, text, flags=re.S)
path.write_text(text)
PY
