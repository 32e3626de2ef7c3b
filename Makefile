# The two commands of the README: `make run` and `make test`. Each installs what is missing,
# builds, and then runs ChatDB or every test.
BUILD_DIR ?= build
PYTHON ?= /usr/bin/python3
JOBS ?= 2
# ccache then keys on paths relative to the checkout, so every clone shares one cache.
export CCACHE_BASEDIR := $(CURDIR)

.PHONY: all deps build run test test-unit test-e2e test-browser test-integration-local test-load test-robustness bench clean test-fuzz test-sanitize

all: build

deps:
	@scripts/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD_DIR) -j$(JOBS)

run: build
	$(BUILD_DIR)/chatdb up

test: build
	$(MAKE) --no-print-directory test-unit test-e2e test-browser test-k8s test-integration-local

test-unit:
	cd $(BUILD_DIR) && ctest --output-on-failure -j$(JOBS)

test-e2e:
	CHATDB_BIN=$(abspath $(BUILD_DIR))/chatdb $(PYTHON) -m pytest -q tests/e2e

# The web console in real Chromium (Debian's /usr/bin/chromium through playwright-core, which
# install-deps.sh installs in tests/browser) against `chatdb up`; screenshots in reports/console/.
test-browser:
	CHATDB_BIN=$(abspath $(BUILD_DIR))/chatdb node --test --test-reporter=spec tests/browser/console.test.mjs

# The integration suite (tests/integration) against `chatdb up` (started by its conftest), then
# against the distributed topology on this machine (scripts/local-cluster.sh); and the
# robustness tools' own tests (fault proxy, backup/restore, report).
INTEGRATION_URL_VARS = TRAINING_ORCHESTRATOR_URL TEST_SERVICE_URL QUERY_PARSER_URL ML_ENGINE_URL MODEL_REGISTRY_URL
test-integration-local:
	env $(addprefix -u ,$(INTEGRATION_URL_VARS)) CHATDB_BIN=$(abspath $(BUILD_DIR))/chatdb $(PYTHON) -m pytest -q tests/integration
	CHATDB_BIN=$(abspath $(BUILD_DIR))/chatdb scripts/with-local-cluster.sh $(PYTHON) -m pytest -q tests/integration
	$(PYTHON) -m pytest -q tests/robustness/test_tools.py

# Locust headless for LOAD_DURATION (60) s against a local cluster: reports/load-test.{html,json}.
test-load:
	scripts/load-test.sh

# Chaos and robustness experiments on a local cluster: reports/robustness-test-results.html,
# metrics/robustness-metrics.json.
test-robustness:
	scripts/test-robustness.sh

# Kubernetes (Minikube): offline checks of the manifests, and the deployment guide's commands.
.PHONY: test-k8s build-all deploy-all status test-integration k8s-test-load cleanup

test-k8s:
	$(PYTHON) -m pytest -q tests/k8s

build-all:
	scripts/build-images.sh

# The images without a Docker daemon (podman build --isolation=chroot on a bookworm base made by
# mmdebstrap) when none answers, and checks that each one starts and works; their times are in
# bench/README.md (too long for `make test` in .ci/run: run them before resolving an image change).
.PHONY: images test-images
images:
	@scripts/install-image-tools.sh
	CHATDB_DOCKER=auto scripts/build-images.sh

test-images:
	@scripts/install-image-tools.sh
	scripts/test-images.sh

deploy-all:
	scripts/deploy-all.sh

status:
	kubectl get deployments,statefulsets,daemonsets,jobs,pods,services,ingresses,hpa,pdb -A -l app.kubernetes.io/part-of=chatdb

test-integration:  # in the cluster (Job integration-tests); test-integration-local runs the same suite here
	scripts/k8s-test.sh integration

k8s-test-load:
	scripts/k8s-test.sh load

cleanup:
	scripts/cleanup.sh

bench: build
	bench/health_throughput.sh

# libFuzzer (clang) on the parsers of untrusted input, FUZZ_SECONDS per target, from the
# committed corpus (tests/fuzz/README.md); `make test` only replays that corpus.
FUZZ_DIR ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= http_request json_body csv_reader xgboost_model nl2sql
FUZZ_FLAGS = -O1 -g1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
test-fuzz: deps
	@cmake -S . -B $(FUZZ_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Fuzz -DCHATDB_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ \
	  -DCMAKE_CXX_FLAGS="$(FUZZ_FLAGS)" >/dev/null
	@cmake --build $(FUZZ_DIR) -j$(JOBS) --target fuzz_all
	tests/fuzz/run.sh $(FUZZ_DIR) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# The unit tests that take untrusted input (HTTP, JSON, CSV, model documents, questions and SQL,
# API keys, uploads) and the fuzz corpus replays, built with ASan+UBSan (-O1 -g1, gcc, ccache)
# in their own directory and run; any report fails the test. Leak detection is off: some
# libraries keep allocations for the process's life.
SANITIZE_DIR ?= build-sanitize
SANITIZE_FLAGS = -O1 -g1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
SANITIZE_TARGETS = chatdb_unit_tests chatdb_auth_tests chatdb_ml_tests chatdb_registry_tests chatdb_nl2sql_tests \
  $(addprefix fuzz_replay_,$(FUZZ_TARGETS))
test-sanitize: deps
	@cmake -S . -B $(SANITIZE_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Sanitize -DCMAKE_CXX_FLAGS="$(SANITIZE_FLAGS)" \
	  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
	@cmake --build $(SANITIZE_DIR) -j$(JOBS) --target $(SANITIZE_TARGETS)
	cd $(SANITIZE_DIR) && ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j$(JOBS) -E '_NOT_BUILT'

clean:
	rm -rf $(BUILD_DIR) $(FUZZ_DIR) $(SANITIZE_DIR)
