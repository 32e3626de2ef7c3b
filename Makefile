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
	$(MAKE) --no-print-directory test-unit test-e2e

test-unit:
	cd $(BUILD_DIR) && ctest --output-on-failure -j$(JOBS)

test-e2e:
	CHATDB_BIN=$(abspath $(BUILD_DIR))/chatdb $(PYTHON) -m pytest -q tests/e2e

bench: build
	bench/health_throughput.sh

clean:
	rm -rf $(BUILD_DIR)
