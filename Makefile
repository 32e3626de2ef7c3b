# The two commands of the README: `make run` and `make test`. Each installs what is missing,
# builds, and then runs ChatDB or every test.
BUILD_DIR ?= build
PYTHON ?= /usr/bin/python3
JOBS ?= 2

.PHONY: all deps build run test test-unit test-e2e bench clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD_DIR) -j$(JOBS)

run: build
	$(BUILD_DIR)/chatdb up

test: build
	$(MAKE) --no-print-directory test-unit test-e2e test-k8s

test-unit:
	cd $(BUILD_DIR) && ctest --output-on-failure -j$(JOBS)

test-e2e:
	CHATDB_BIN=$(abspath $(BUILD_DIR))/chatdb $(PYTHON) -m pytest -q tests/e2e

# Kubernetes (Minikube): offline checks of the manifests, and the deployment guide's commands.
.PHONY: test-k8s build-all deploy-all status test-integration test-load cleanup

test-k8s:
	$(PYTHON) -m pytest -q tests/k8s

build-all:
	scripts/build-images.sh

deploy-all:
	scripts/deploy-all.sh

status:
	kubectl get deployments,statefulsets,daemonsets,jobs,pods,services,ingresses,hpa,pdb -A -l app.kubernetes.io/part-of=chatdb

test-integration:
	scripts/k8s-test.sh integration

test-load:
	scripts/k8s-test.sh load

cleanup:
	scripts/cleanup.sh

bench: build
	bench/health_throughput.sh

clean:
	rm -rf $(BUILD_DIR)
