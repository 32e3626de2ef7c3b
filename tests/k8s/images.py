"""The Dockerfile against scripts/install-deps.sh, scripts/build-images.sh and the manifests."""
import functools
import os
import re
import subprocess


def install_deps_packages(text):
    """{group comment: [packages]} of install-deps.sh's packages=( ... ) array."""
    m = re.search(r"^packages=\(\n(.*?)\n\)", text, re.M | re.S)
    if not m:
        raise AssertionError("scripts/install-deps.sh has no packages=( ... ) array")
    groups, current = {}, "packages"
    for line in m.group(1).splitlines():
        line = line.strip()
        if line.startswith("#"):
            current = line.lstrip("# ").strip()
            continue
        groups.setdefault(current, []).extend(line.split())
    return groups


def dockerfile_stages(text):
    """[{name, base, packages, user, cmd, expose, copies}] in order."""
    text = re.sub(r"\\\n", " ", text)  # join continuation lines
    stages = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word, _, rest = line.partition(" ")
        word = word.upper()
        if word == "FROM":
            m = re.fullmatch(r"(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?", rest, re.I)
            stages.append({"name": m.group(2), "base": m.group(1), "packages": [], "user": None,
                           "cmd": None, "expose": [], "copies": []})
            continue
        stage = stages[-1]
        if word == "RUN":
            for install in re.findall(r"apt-get install ([^&;|]*)", rest):
                stage["packages"] += [w for w in install.split() if not w.startswith("-")]
        elif word == "USER":
            stage["user"] = rest.strip()
        elif word == "CMD":
            stage["cmd"] = rest.strip()
        elif word == "EXPOSE":
            stage["expose"] += [int(p.split("/")[0]) for p in rest.split()]
        elif word == "COPY" and "--from=" not in rest:
            stage["copies"].append(rest.split()[0])
    return stages


def chain(stages, name):
    """A stage and the stages it builds on, nearest first."""
    by_name = {s["name"]: s for s in stages if s["name"]}
    out = []
    stage = by_name.get(name)
    while stage:
        out.append(stage)
        stage = by_name.get(stage["base"])
    return out


@functools.lru_cache(maxsize=None)
def _runtime_libraries(dev_packages):
    result = subprocess.run(["apt-cache", "depends", "--no-recommends", "--no-suggests", "--no-conflicts",
                             "--no-breaks", "--no-replaces", "--no-enhances", *dev_packages],
                            capture_output=True, text=True, check=True)
    libs = set()
    for line in result.stdout.splitlines():
        m = re.match(r"\s+Depends: ([a-z0-9][a-z0-9.+-]*)$", line)
        if m and m.group(1).startswith("lib") and not m.group(1).endswith("-dev"):
            libs.add(m.group(1))
    return frozenset(libs)


def runtime_libraries(dev_packages):
    """The shared-library packages that the -dev packages depend on (apt-cache depends)."""
    return set(_runtime_libraries(tuple(sorted(dev_packages))))


def problems(dockerfile, install_deps, targets, table):
    out = []
    groups = install_deps_packages(install_deps)
    listed = {p for ps in groups.values() for p in ps}
    build_groups = [g for g in groups if g in ("build", "libraries")]
    if len(build_groups) != 2:
        return [f"install-deps.sh should have '# build' and '# libraries' groups, has {list(groups)}"]
    dev = [p for p in groups["libraries"] if p.endswith("-dev")]
    libs = runtime_libraries(dev)
    stages = dockerfile_stages(dockerfile)
    names = {s["name"] for s in stages}

    for s in stages:
        if s["base"] not in names and s["base"] != "debian:bookworm-slim":
            out.append(f"stage {s['name']}: FROM {s['base']}, expected debian:bookworm-slim or an earlier stage")
        for p in s["packages"]:
            if p not in listed and p not in libs:
                out.append(f"stage {s['name']}: installs {p}, which scripts/install-deps.sh does not list "
                           f"(nor is it a runtime library of one of its -dev packages)")
    build = next((s for s in stages if s["name"] == "build"), None)
    if build is None:
        out.append("no build stage")
    else:
        for p in groups["build"] + groups["libraries"]:
            if p not in build["packages"]:
                out.append(f"stage build: does not install {p} (install-deps.sh builds with it)")
    runtime = next((s for s in stages if s["name"] == "runtime"), None)
    if runtime is None:
        out.append("no runtime stage")
    else:
        for lib in sorted(libs):
            if lib not in runtime["packages"]:
                out.append(f"stage runtime: does not install {lib}, the runtime library of a -dev package")
    installed = {p for s in stages for p in s["packages"]}
    for p in sorted(listed):
        if p.startswith("python3-") and p not in installed:
            out.append(f"no stage installs {p}; the test and load images need install-deps.sh's Python packages")
    for t in targets:
        if t not in names:
            out.append(f"build-images.sh builds target {t}, which the Dockerfile does not have")
            continue
        line = chain(stages, t)
        user = next((s["user"] for s in line if s["user"]), None)
        if not user or user.split(":")[0] in ("0", "root"):
            out.append(f"target {t}: runs as {user or 'root (no USER)'}, not a non-root user")
        if t in table:
            if line[0]["cmd"] != f'["serve", "{t}"]':
                out.append(f"target {t}: CMD {line[0]['cmd']}, expected [\"serve\", \"{t}\"]")
            if table[t] not in line[0]["expose"]:
                out.append(f"target {t}: does not EXPOSE {table[t]}")
    return out


def dockerignore_problems(dockerfile, dockerignore):
    """Everything the Dockerfile COPYs from the context is let through by .dockerignore."""
    rules = [l.strip() for l in dockerignore.splitlines() if l.strip() and not l.startswith("#")]
    out = []
    for s in dockerfile_stages(dockerfile):
        for src in s["copies"]:
            path = src.rstrip("/")
            excluded = False
            for rule in rules:  # last matching rule wins, as in Docker
                negate = rule.startswith("!")
                pattern = rule.lstrip("!").rstrip("/")
                if pattern == "*" or path == pattern or path.startswith(pattern + "/"):
                    excluded = not negate
            if excluded:
                out.append(f"stage {s['name']}: COPY {src} is excluded by .dockerignore")
    return out


def cmake_inputs(root):
    """Top-level directories that the CMake build reads (paths named in any CMakeLists.txt)."""
    dirs = set()
    for dirpath, dirnames, files in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".") and d not in ("build", "node_modules")]
        if "CMakeLists.txt" not in files:
            continue
        with open(os.path.join(dirpath, "CMakeLists.txt")) as f:
            text = f.read()
        base = os.path.relpath(dirpath, root)
        for token in re.findall(r"[\w.${}-]*/[\w./-]+|[\w-]+\.(?:cpp|cc|h|hpp)\b", text):
            token = token.replace("${CMAKE_SOURCE_DIR}/", "").replace("${PROJECT_SOURCE_DIR}/", "")
            path = os.path.normpath(os.path.join(base, token)) if "$" not in token else ""
            top = path.split(os.sep)[0]
            if top and top != ".." and os.path.isdir(os.path.join(root, top)):
                dirs.add(top)
    return dirs


def build_copy_problems(dockerfile, root):
    """The build stage copies every directory that the CMake build reads."""
    build = next((s for s in dockerfile_stages(dockerfile) if s["name"] == "build"), None)
    copied = {c.rstrip("/").split("/")[0] for c in build["copies"]} if build else set()
    return [f"stage build: does not COPY {d}/, which CMake reads" for d in sorted(cmake_inputs(root) - copied)]
