#!/usr/bin/env bash
# Installs, idempotently, every Debian package that building, running and testing ChatDB
# needs on Debian bookworm. Packages already present are skipped; apt is touched only when
# something is missing. Keep this list and the Dockerfile's in step.
set -euo pipefail

packages=(
  # build
  cmake ninja-build g++ ccache lld git pkg-config
  # libraries
  libboost-dev nlohmann-json3-dev libcli11-dev libsqlite3-dev libpq-dev librdkafka-dev
  libcurl4-openssl-dev libssl-dev libxgboost-dev libpg-query-dev libsimdjson-dev
  # general English for the query parser (WordNet)
  wordnet-base
  # tests and benchmarks
  googletest libgtest-dev libbenchmark-dev python3 python3-pytest python3-requests
  python3-xgboost python3-sklearn python3-yaml python3-locust python3-confluent-kafka prometheus wrk postgresql
  # the FastAPI peer of bench/peer
  python3-fastapi python3-uvicorn python3-uvloop python3-httptools
  shellcheck
  # the web console's browser tests (tests/browser drives it with playwright-core)
  chromium
  # make test-fuzz: clang with libFuzzer and the sanitizer runtimes
  clang libclang-rt-14-dev
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# Node.js may come from elsewhere with npm bundled: only the commands matter.
if ! command -v node >/dev/null 2>&1; then missing+=(nodejs); fi
if ! command -v npm >/dev/null 2>&1; then missing+=(npm); fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} Debian packages present"
else
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "install-deps: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm test tools (s3rver, kubernetes-types, typescript), pinned by tools/node/package-lock.json.
tools="$(cd "$(dirname "$0")/../tools/node" && pwd)"
if [ ! -x "$tools/node_modules/.bin/s3rver" ] || [ ! -x "$tools/node_modules/.bin/tsc" ] ||
   [ "$tools/package-lock.json" -nt "$tools/node_modules/.package-lock.json" ]; then
  echo "install-deps: installing npm test tools in tools/node"
  (cd "$tools" && npm ci --no-audit --no-fund --loglevel=error)
fi

# The console's browser tests: playwright-core, pinned by tests/browser/package-lock.json.
browser="$(cd "$(dirname "$0")/../tests/browser" && pwd)"
if [ ! -d "$browser/node_modules/playwright-core" ] ||
   [ "$browser/package-lock.json" -nt "$browser/node_modules/.package-lock.json" ]; then
  echo "install-deps: installing the browser test driver in tests/browser"
  (cd "$browser" && npm ci --no-audit --no-fund --loglevel=error)
fi
