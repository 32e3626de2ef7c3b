# syntax=docker/dockerfile:1
# ChatDB images, all from this one file (scripts/build-images.sh builds every target):
#   chatdb/<service>:latest      one per service: `chatdb serve <service>` as user 10001
#   chatdb/console:latest        the web console: `chatdb serve console`
#   chatdb/integration-tests     the pytest suites (tests/) with their Debian packages
#   chatdb/locust                Locust from Debian: the master, workers and load-test Job
# The apt package lists are kept in step with scripts/install-deps.sh; tests/k8s checks it.

# --- build: the compilers and -dev packages of install-deps.sh's "build" and "libraries" groups
FROM debian:bookworm-slim AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      cmake ninja-build g++ ccache lld git pkg-config \
      libboost-dev nlohmann-json3-dev libcli11-dev libsqlite3-dev libpq-dev librdkafka-dev \
      libcurl4-openssl-dev libssl-dev libxgboost-dev libsimdjson-dev libpg-query-dev \
      googletest libgtest-dev libbenchmark-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# ccache (found by CMakeLists.txt) keys on paths below /src, so a cache mounted by the builder
# (scripts/build-images.sh with podman) is shared with checkouts built elsewhere.
ENV CCACHE_BASEDIR=/src
COPY CMakeLists.txt ./
COPY cmake ./cmake
COPY src ./src
COPY web ./web
COPY tests ./tests
COPY bench ./bench
RUN cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release \
 && cmake --build build --target chatdb -j"$(nproc)" \
 && strip build/chatdb

# --- runtime: the shared libraries of those -dev packages, the binary, a non-root user
FROM debian:bookworm-slim AS runtime
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libsqlite3-0 libpq5 librdkafka1 librdkafka++1 libcurl4 libssl3 libxgboost0 libpg-query1504.0 libsimdjson14 wordnet-base \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 chatdb \
 && useradd --system --uid 10001 --gid chatdb --home-dir /var/lib/chatdb --shell /usr/sbin/nologin chatdb \
 && install -d -o chatdb -g chatdb /var/lib/chatdb
COPY --from=build /src/build/chatdb /usr/local/bin/chatdb
ENV CHATDB_HOST=0.0.0.0 \
    CHATDB_DATA_DIR=/var/lib/chatdb
USER 10001:10001
WORKDIR /var/lib/chatdb
ENTRYPOINT ["/usr/local/bin/chatdb"]
CMD ["up"]

# --- one image per service; the Deployments pass the same arguments explicitly
FROM runtime AS training-orchestrator
EXPOSE 8000
CMD ["serve", "training-orchestrator"]

FROM runtime AS test-service
EXPOSE 8001
CMD ["serve", "test-service"]

FROM runtime AS query-parser
EXPOSE 8002
CMD ["serve", "query-parser"]

FROM runtime AS ml-engine
EXPOSE 8003
CMD ["serve", "ml-engine"]

FROM runtime AS model-registry
EXPOSE 8004
CMD ["serve", "model-registry"]

# --- the web console (its files are inside the binary)
FROM runtime AS console
EXPOSE 8080
CMD ["serve", "console"]

# --- the test suites and the Python packages they import (install-deps.sh's python3-*)
FROM runtime AS integration-tests
USER root
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      python3 python3-pytest python3-requests python3-xgboost python3-sklearn python3-yaml python3-confluent-kafka \
      python3-fastapi python3-uvicorn python3-uvloop python3-httptools \
 && rm -rf /var/lib/apt/lists/*
COPY tests /opt/chatdb/tests
ENV PYTHONDONTWRITEBYTECODE=1 \
    CHATDB_BIN=/usr/local/bin/chatdb
USER 10001:10001
WORKDIR /opt/chatdb
ENTRYPOINT ["python3", "-m", "pytest"]
CMD ["-q", "-p", "no:cacheprovider", "/opt/chatdb/tests/integration"]

# --- Locust, master and workers (kubernetes/testing/locust.yaml) or one headless process.
# Debian's python3-locust says its version is '' (locust/_version.py), and a master refuses a
# worker whose hello carries no version ("an old (pre 2.0) worker"): write the package's version.
FROM debian:bookworm-slim AS locust
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3-locust \
 && rm -rf /var/lib/apt/lists/* \
 && version="$(dpkg-query -W -f='${Version}' python3-locust)" \
 && printf "version = '%s'\n" "${version%-*}" > /usr/lib/python3/dist-packages/locust/_version.py \
 && groupadd --system --gid 10001 locust \
 && useradd --system --uid 10001 --gid locust --home-dir /tmp --shell /usr/sbin/nologin locust
COPY locust/locustfile.py /mnt/locust/locustfile.py
ENV PYTHONDONTWRITEBYTECODE=1
USER 10001:10001
EXPOSE 8089 5557
ENTRYPOINT ["locust"]
CMD ["-f", "/mnt/locust/locustfile.py"]
