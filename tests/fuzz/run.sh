#!/usr/bin/env bash
# Runs each libFuzzer binary of BUILD_DIR (built with -DCHATDB_FUZZ=ON) for SECONDS, starting
# from its committed corpus. New inputs go to BUILD_DIR/fuzz-work/TARGET (not committed);
# a crash, leak, timeout or broken invariant leaves BUILD_DIR/fuzz-findings/TARGET-* and makes
# this script fail. Prints executions per target and in total.
# Usage: tests/fuzz/run.sh BUILD_DIR SECONDS TARGET...
set -uo pipefail
build=$1 seconds=$2
shift 2
here="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$build/fuzz-findings"
total=0 failed=()
printf '%-14s %12s %10s  %s\n' target executions exec/s result
for target in "$@"; do
  work="$build/fuzz-work/$target"
  log="$build/fuzz-findings/$target.log"
  mkdir -p "$work"
  # -timeout: one input running longer than 10 s is a hang; -rss_limit_mb: the pod limit.
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
    "$build/tests/fuzz/fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$build/fuzz-findings/$target-" \
    "$work" "$here/corpus/$target" >"$log" 2>&1
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  execs=${execs:-0}
  total=$((total + execs))
  result=clean
  if [ "$rc" -ne 0 ]; then result="FINDING (see $log)"; failed+=("$target"); fi
  printf '%-14s %12s %10s  %s\n' "$target" "$execs" "${rate:-?}" "$result"
done
printf '%-14s %12s\n' total "$total"
if [ ${#failed[@]} -ne 0 ]; then
  echo "fuzz findings in: ${failed[*]}" >&2
  exit 1
fi
