"""Fixtures of the Kubernetes checks: the rendered Minikube overlay and the facts it must agree
with (the README's service table, the settings of src/common/config.cpp, the images that
scripts/build-images.sh builds). Every check runs without a cluster."""
import copy
import os
import re
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))

import manifests  # noqa: E402


@pytest.fixture(scope="session")
def rendered():
    manifests.require_kubectl()
    return manifests.kustomize(manifests.DEFAULT_OVERLAY)


@pytest.fixture
def docs(rendered):
    """A private copy of the rendered objects: tests may break it."""
    return copy.deepcopy(rendered)


@pytest.fixture(scope="session")
def table():
    return manifests.service_table()


@pytest.fixture(scope="session")
def settings():
    with open(os.path.join(manifests.ROOT, "src", "common", "config.cpp")) as f:
        names = set(re.findall(r'make\("([A-Z0-9_]+)"', f.read()))
    assert "DATABASE_URL" in names, "could not read the settings of src/common/config.cpp"
    # The standard OpenTelemetry variables that src/tracing/tracing_config.cpp reads.
    with open(os.path.join(manifests.ROOT, "src", "tracing", "tracing_config.cpp")) as f:
        names |= set(re.findall(r'"(OTEL_[A-Z0-9_]+)"', f.read()))
    return names


def build_targets(text):
    m = re.search(r"^targets=\(\n(.*?)\n\)", text, re.M | re.S)
    assert m, "scripts/build-images.sh has no targets=( ... ) list"
    return [w for line in m.group(1).splitlines() for w in line.split("#")[0].split()]


@pytest.fixture(scope="session")
def built_images():
    with open(os.path.join(manifests.ROOT, "scripts", "build-images.sh")) as f:
        return {f"chatdb/{t}" for t in build_targets(f.read())}
