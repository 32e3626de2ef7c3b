"""Drives scripts/local-cluster.sh from Python, and what the robustness experiments do to it:
kill -9 and restart one service, stop and start PostgreSQL, the broker or s3rver, and restart a
service with some of its variables changed (to put a fault proxy in its path).

Every process started here is recorded in the cluster's pids/ directory, so that
`local-cluster.sh down` stops it like the ones `up` started."""
import os
import random
import shutil
import signal
import socket
import subprocess
import time

import requests

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SCRIPT = os.path.join(ROOT, "scripts", "local-cluster.sh")
SERVICES = ["training-orchestrator", "test-service", "query-parser", "ml-engine", "model-registry"]
URL_VARS = {
    "training-orchestrator": "TRAINING_ORCHESTRATOR_URL",
    "test-service": "TEST_SERVICE_URL",
    "query-parser": "QUERY_PARSER_URL",
    "ml-engine": "ML_ENGINE_URL",
    "model-registry": "MODEL_REGISTRY_URL",
}


def port_free(port):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def free_base():
    """A port base whose service and dependency ports (see local-cluster.sh) are all free."""
    for _ in range(200):
        base = random.randrange(20000, 38000, 10)
        if all(port_free(p) for p in [base + i for i in range(5)] + [base + 1432, base + 1092, base + 1900]):
            return base
    raise RuntimeError("no free port range")


def pg_bin():
    versions = sorted(os.listdir("/usr/lib/postgresql"), key=lambda v: [int(x) for x in v.split(".") if x.isdigit()])
    return os.path.join("/usr/lib/postgresql", versions[-1], "bin")


def as_postgres(args):
    return (["runuser", "-u", "postgres", "--"] + args) if os.geteuid() == 0 else args


class LocalCluster:
    """One scripts/local-cluster.sh instance under `directory` with ports from `base`."""

    def __init__(self, directory, base=None):
        self.dir = os.path.abspath(directory)
        self.base = base or free_base()
        self.script_env = dict(os.environ, CHATDB_CLUSTER_DIR=self.dir, CHATDB_CLUSTER_PORT_BASE=str(self.base))
        self.env = {}

    # --- whole cluster -----------------------------------------------------------------------

    def up(self, timeout=180):
        r = subprocess.run([SCRIPT, "up"], env=self.script_env, capture_output=True, text=True, timeout=timeout)
        if r.returncode != 0:
            raise RuntimeError(f"local-cluster.sh up failed:\n{r.stdout}\n{r.stderr}")
        self.env = self.read_env()
        return self

    def down(self):
        subprocess.run([SCRIPT, "down"], env=self.script_env, capture_output=True, text=True, timeout=120)
        path_file = os.path.join(self.dir, "pg.path")
        if os.path.exists(path_file):
            pg = open(path_file).read().strip()
            if not pg.startswith(self.dir):
                shutil.rmtree(pg, ignore_errors=True)

    def read_env(self):
        env = {}
        with open(os.path.join(self.dir, "cluster.env")) as f:
            for line in f:
                if "=" in line:
                    k, v = line.rstrip("\n").split("=", 1)
                    env[k] = v
        return env

    def url(self, service):
        return self.env[URL_VARS[service]]

    @property
    def urls(self):
        return {s: self.url(s) for s in SERVICES}

    # --- services ----------------------------------------------------------------------------

    def pid(self, name):
        try:
            return int(open(os.path.join(self.dir, "pids", name)).read())
        except (OSError, ValueError):
            return None

    def alive(self, name):
        pid = self.pid(name)
        if pid is None:
            return False
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        # A killed child of ours stays a zombie until reaped.
        try:
            with open(f"/proc/{pid}/stat") as f:
                return f.read().split(") ", 1)[1][0] != "Z"
        except OSError:
            return False

    def kill9(self, name):
        pid = self.pid(name)
        if pid is not None:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._reap(pid)

    def stop(self, name, timeout=10):
        pid = self.pid(name)
        if pid is None:
            return
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        deadline = time.time() + timeout
        while time.time() < deadline and self.alive(name):
            time.sleep(0.05)
        self.kill9(name)

    @staticmethod
    def _reap(pid):
        for _ in range(100):
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)
                if done:
                    return
            except ChildProcessError:
                return  # not our child: its parent reaps it
            time.sleep(0.02)

    def start_service(self, name, overrides=None):
        """Starts `chatdb serve NAME` with the cluster's variables (plus `overrides`)."""
        env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/root")}
        env.update(self.env)
        env.update(overrides or {})
        bin_path = os.environ.get("CHATDB_BIN", os.path.join(ROOT, "build", "chatdb"))
        logs = os.path.join(self.dir, "logs")
        proc = subprocess.Popen([bin_path, "serve", name], env=env, stdout=open(os.path.join(logs, f"{name}.out"), "a"),
                                stderr=open(os.path.join(logs, f"{name}.log"), "a"), start_new_session=True)
        with open(os.path.join(self.dir, "pids", name), "w") as f:
            f.write(str(proc.pid))
        return proc

    def restart_service(self, name, overrides=None):
        self.stop(name)
        self.start_service(name, overrides)

    def wait_ready(self, name, timeout=30):
        """Seconds until NAME's /ready answers 200, or None after `timeout`."""
        started = time.time()
        while time.time() - started < timeout:
            try:
                if requests.get(self.url(name) + "/ready", timeout=1).status_code == 200:
                    return time.time() - started
            except requests.RequestException:
                pass
            time.sleep(0.05)
        return None

    def all_ready(self):
        for s in SERVICES:
            try:
                if requests.get(self.url(s) + "/ready", timeout=2).status_code != 200:
                    return False
            except requests.RequestException:
                return False
        return True

    # --- dependencies ------------------------------------------------------------------------

    def pg_dir(self):
        return open(os.path.join(self.dir, "pg.path")).read().strip()

    def pg_port(self):
        return self.base + 1432

    def stop_postgres(self):
        subprocess.run(as_postgres([os.path.join(pg_bin(), "pg_ctl"), "-D", self.pg_dir() + "/data", "-m", "fast",
                                    "-w", "stop"]), capture_output=True, timeout=60)

    def start_postgres(self):
        pg = self.pg_dir()
        subprocess.run(as_postgres([os.path.join(pg_bin(), "pg_ctl"), "-D", pg + "/data", "-l", pg + "/postgres.log", "-w",
                                    "-o", f"-p {self.pg_port()} -k {pg} -c listen_addresses=127.0.0.1", "start"]),
                       capture_output=True, timeout=60, check=True)

    def start_broker(self):
        broker = os.environ.get("CHATDB_BROKER_BIN", os.path.join(ROOT, "build", "src", "bus", "chatdb-test-broker"))
        logs = os.path.join(self.dir, "logs")
        proc = subprocess.Popen([broker, "--port", str(self.base + 1092), "--partitions", "3", "--until-signal",
                                 "queries", "query_results", "training_jobs", "job_events", "predictions", "model_events"],
                                stdout=open(os.path.join(logs, "broker.out"), "a"),
                                stderr=open(os.path.join(logs, "broker.log"), "a"), start_new_session=True)
        with open(os.path.join(self.dir, "pids", "broker"), "w") as f:
            f.write(str(proc.pid))
        wait_port(self.base + 1092)

    def start_s3(self):
        s3rver = os.path.join(ROOT, "tools", "node", "node_modules", ".bin", "s3rver")
        logs = os.path.join(self.dir, "logs")
        env = dict(os.environ, NODE_OPTIONS="--openssl-legacy-provider")
        proc = subprocess.Popen([s3rver, "--address", "127.0.0.1", "--port", str(self.base + 1900), "--directory",
                                 os.path.join(self.dir, "s3"), "--configure-bucket", "model-artifacts", "--silent"],
                                env=env, stdout=open(os.path.join(logs, "s3rver.log"), "a"), stderr=subprocess.STDOUT,
                                start_new_session=True)
        with open(os.path.join(self.dir, "pids", "s3rver"), "w") as f:
            f.write(str(proc.pid))
        wait_port(self.base + 1900)


def wait_port(port, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port} after {timeout}s")
