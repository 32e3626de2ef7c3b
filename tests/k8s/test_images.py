"""The Dockerfile installs the same Debian packages as scripts/install-deps.sh, builds every
image the manifests use (scripts/build-images.sh), and runs each as a non-root user."""
import os

import pytest

import images
from conftest import build_targets
from manifests import ROOT


def read(*path):
    with open(os.path.join(ROOT, *path)) as f:
        return f.read()


@pytest.fixture(scope="module")
def files():
    return {"dockerfile": read("Dockerfile"), "install_deps": read("scripts", "install-deps.sh"),
            "targets": build_targets(read("scripts", "build-images.sh"))}


def test_dockerfile_agrees_with_install_deps_and_build_script(files, table):
    assert images.problems(files["dockerfile"], files["install_deps"], files["targets"], table) == []


def test_every_service_has_a_target(files, table):
    assert set(table) <= set(files["targets"])


def test_runtime_libraries_come_from_apt():
    libs = images.runtime_libraries(["libpq-dev", "librdkafka-dev"])
    assert {"libpq5", "librdkafka1", "librdkafka++1"} <= libs


def test_a_package_missing_from_the_build_stage_fails(files, table):
    broken = files["dockerfile"].replace(" librdkafka-dev", "", 1)
    assert any("does not install librdkafka-dev" in p
               for p in images.problems(broken, files["install_deps"], files["targets"], table))


def test_a_package_install_deps_does_not_list_fails(files, table):
    broken = files["dockerfile"].replace("libpg-query-dev \\", "libpg-query-dev libmysqlclient-dev \\", 1)
    assert any("installs libmysqlclient-dev" in p
               for p in images.problems(broken, files["install_deps"], files["targets"], table))


def test_a_new_install_deps_library_not_in_the_dockerfile_fails(files, table):
    deps = files["install_deps"].replace("libcurl4-openssl-dev", "libcurl4-openssl-dev libzstd-dev", 1)
    problems = images.problems(files["dockerfile"], deps, files["targets"], table)
    assert any("does not install libzstd-dev" in p for p in problems)
    assert any("does not install libzstd1" in p for p in problems)  # and its runtime library


def test_a_missing_runtime_library_fails(files, table):
    broken = files["dockerfile"].replace(" libxgboost0", "", 1)
    assert any("does not install libxgboost0" in p
               for p in images.problems(broken, files["install_deps"], files["targets"], table))


def test_a_root_image_fails(files, table):
    broken = files["dockerfile"].replace("USER 10001:10001\nWORKDIR /var/lib/chatdb", "WORKDIR /var/lib/chatdb", 1)
    problems = images.problems(broken, files["install_deps"], files["targets"], table)
    assert any("target ml-engine: runs as root" in p for p in problems)


def test_an_unbuildable_target_and_wrong_command_fail(files, table):
    broken = files["dockerfile"].replace('CMD ["serve", "ml-engine"]', 'CMD ["serve", "model-registry"]')
    problems = images.problems(broken, files["install_deps"], files["targets"] + ["web-ui"], table)
    assert any("target web-ui" in p for p in problems)
    assert any("target ml-engine: CMD" in p for p in problems)


def test_a_python_package_of_install_deps_missing_from_the_images_fails(files, table):
    deps = files["install_deps"].replace("python3-requests", "python3-requests python3-psycopg2", 1)
    assert any("python3-psycopg2" in p for p in images.problems(files["dockerfile"], deps, files["targets"], table))


def test_dockerignore_lets_the_copied_paths_through():
    assert images.dockerignore_problems(read("Dockerfile"), read(".dockerignore")) == []
    broken = read(".dockerignore").replace("!bench/\n", "")
    assert images.dockerignore_problems(read("Dockerfile"), broken) == ["stage build: COPY bench is excluded by .dockerignore"]


def test_the_build_stage_copies_what_cmake_reads():
    assert {"src", "tests", "bench"} <= images.cmake_inputs(ROOT)
    assert images.build_copy_problems(read("Dockerfile"), ROOT) == []


def test_a_build_stage_missing_a_cmake_input_fails():
    broken = read("Dockerfile").replace("COPY bench ./bench\n", "")
    assert images.build_copy_problems(broken, ROOT) == ["stage build: does not COPY bench/, which CMake reads"]


def image_checks(text):
    """The images scripts/test-images.sh checks: its services=( ... ) and the other images it runs."""
    import re
    m = re.search(r"^services=\(([^)]*)\)", text, re.M)
    assert m, "scripts/test-images.sh has no services=( ... ) list"
    return set(m.group(1).split()) | set(re.findall(r"^ *start \S+ chatdb/([a-z-]+):latest", text, re.M))


def test_test_images_checks_every_built_image(files):
    assert image_checks(read("scripts", "test-images.sh")) == set(files["targets"])


def test_a_forgotten_image_check_is_seen(files):
    text = read("scripts", "test-images.sh").replace("start integration-tests chatdb/integration-tests:latest", "")
    assert image_checks(text) != set(files["targets"])
