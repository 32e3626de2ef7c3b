"""The demo business database: the demo-db-init Job seeds chatdb_demo from the demo-db-sql
ConfigMap, query-parser's CHATDB_DATA_SOURCES points at it (never at the metadata database), and
the read-only role may connect to that database only. The SQL of both setup Jobs is also run,
as the Jobs run it, against a scratch PostgreSQL when one is installed."""
import glob
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from urllib.parse import urlparse

import pytest

import checks
from manifests import SERVICES_NAMESPACE, config_map_data, containers, find, pod_template, secret_data

TABLES = ["categories", "suppliers", "products", "customers", "orders", "order_items"]


def demo_sql(docs):
    return config_map_data(docs, "chatdb-system", "demo-db-sql")["demo.sql"]


def init_sql(docs):
    return config_map_data(docs, "chatdb-system", "postgres-init-sql")["init.sql"]


def data_sources(docs):
    return json.loads(secret_data(docs, SERVICES_NAMESPACE, "chatdb-secrets")["CHATDB_DATA_SOURCES"])


def test_the_job_runs_the_demo_sql_as_the_owner_after_the_role_exists(docs):
    job = find(docs, "Job", "demo-db-init", "chatdb-system")
    assert job["metadata"]["labels"]["chatdb.io/run"] == "setup"  # deploy-all.sh re-runs and waits for it
    spec = pod_template(job)["spec"]
    (c,) = containers(spec)
    script = c["command"][-1]
    assert "pg_isready" in script and "chatdb_reader" in script and "psql -f /sql/demo.sql" in script
    env = {e["name"]: e for e in c["env"]}
    assert env["PGUSER"]["valueFrom"]["secretKeyRef"] == {"name": "postgres-credentials", "key": "POSTGRES_USER"}
    (mount,) = c["volumeMounts"]
    (vol,) = spec["volumes"]
    assert mount["mountPath"] == "/sql" and vol["configMap"]["name"].startswith("demo-db-sql")


def test_the_demo_sql_creates_a_separate_database_with_business_tables(docs):
    sql = demo_sql(docs)
    assert "CREATE DATABASE chatdb_demo" in sql and "\\connect chatdb_demo" in sql
    for table in TABLES:
        assert re.search(rf"CREATE TABLE IF NOT EXISTS {table} \(", sql), table
        rows = re.search(rf"INSERT INTO {table} \(.*?\) VALUES\n(.*?)\nON CONFLICT", sql, re.S)
        assert rows, f"no rows for {table}"
        n = len(rows.group(1).splitlines())
        assert 5 <= n <= 200, f"{table}: {n} rows"
    # Idempotent: re-runs on every deploy.
    assert sql.count("ON CONFLICT (id) DO NOTHING") == len(TABLES)


def test_query_parser_asks_the_demo_database_not_the_metadata_one(docs):
    pg = secret_data(docs, "chatdb-system", "postgres-credentials")
    sources = data_sources(docs)
    assert list(sources) == ["demo"]
    url = urlparse(sources["demo"])
    assert url.path == "/chatdb_demo" != f"/{pg['POSTGRES_DB']}"
    assert url.username == "chatdb_reader"
    qp = find(docs, "Deployment", "query-parser", SERVICES_NAMESPACE)
    env = {e["name"]: e for e in containers(pod_template(qp)["spec"])[0]["env"]}
    assert env["CHATDB_DATA_SOURCES"]["valueFrom"]["secretKeyRef"]["name"] == "chatdb-secrets"


def test_the_grants_give_the_reader_the_demo_database_only(docs):
    init, demo = init_sql(docs), demo_sql(docs)
    assert 'REVOKE CONNECT, TEMPORARY ON DATABASE :"metadata_db" FROM PUBLIC;' in init
    assert 'REVOKE ALL ON DATABASE :"metadata_db" FROM chatdb_reader;' in init
    assert not re.search(r"GRANT [^;]* TO chatdb_reader", init), "init.sql grants the reader something of the metadata DB"
    assert "GRANT CONNECT ON DATABASE chatdb_demo TO chatdb_reader;" in demo
    assert "GRANT SELECT ON ALL TABLES IN SCHEMA public, datasets TO chatdb_reader;" in demo
    assert not re.search(r"GRANT (ALL|INSERT|UPDATE|DELETE|CREATE)", demo)


@pytest.mark.parametrize("breakage,problem", [
    ("metadata", "data source demo: it is the metadata database chatdb"),
    ("other", "data source demo: database elsewhere is not the one demo-db-init creates"),
])
def test_a_data_source_off_the_demo_database_is_caught(docs, breakage, problem):
    secret = find(docs, "Secret", "chatdb-secrets", SERVICES_NAMESPACE)["stringData"]
    target = "/chatdb\"" if breakage == "metadata" else "/elsewhere\""
    secret["CHATDB_DATA_SOURCES"] = secret["CHATDB_DATA_SOURCES"].replace("/chatdb_demo\"", target)
    assert any(problem in p for p in checks.dependencies_agree(docs))


# --- the SQL against a real PostgreSQL ------------------------------------------------------

def pg_bin():
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    return bins[-1] if bins and os.path.exists(os.path.join(bins[-1], "initdb")) else None


def as_postgres(cmd):
    return (["runuser", "-u", "postgres", "--"] + cmd) if os.geteuid() == 0 else cmd


@pytest.fixture(scope="module")
def postgres():
    bindir = pg_bin()
    if not bindir:
        pytest.skip("PostgreSQL is not installed (scripts/install-deps.sh installs it)")
    tmp = tempfile.mkdtemp(prefix="chatdb-k8s-pg-")
    os.chmod(tmp, 0o777)
    data = os.path.join(tmp, "data")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    subprocess.run(as_postgres([f"{bindir}/initdb", "-D", data, "-U", "chatdb", "-A", "trust", "--no-sync"]),
                   check=True, capture_output=True)
    subprocess.run(as_postgres([f"{bindir}/pg_ctl", "-D", data, "-w", "-l", os.path.join(tmp, "log"), "-o",
                                f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1", "start"]),
                   check=True, capture_output=True)
    env = dict(os.environ, PGHOST="127.0.0.1", PGPORT=str(port), PGUSER="chatdb")
    subprocess.run([f"{bindir}/createdb", "chatdb"], env=env, check=True)
    yield bindir, env
    subprocess.run(as_postgres([f"{bindir}/pg_ctl", "-D", data, "-m", "immediate", "stop"]), capture_output=True)
    shutil.rmtree(tmp, ignore_errors=True)


def psql(pg, *args, user="chatdb", db="chatdb", stdin=None):
    bindir, env = pg
    return subprocess.run([f"{bindir}/psql", "-X", "-v", "ON_ERROR_STOP=1", "-U", user, "-d", db, *args],
                          env=env, input=stdin, capture_output=True, text=True)


def test_the_setup_sql_runs_twice_and_the_reader_sees_the_demo_only(rendered, postgres):
    for _ in range(2):  # as postgres-init, then demo-db-init, on two deploys
        r = psql(postgres, "-v", "reader_password=x", stdin=init_sql(rendered))
        assert r.returncode == 0, r.stderr
        r = psql(postgres, stdin=demo_sql(rendered))
        assert r.returncode == 0, r.stderr
    q = lambda sql, **kw: psql(postgres, "-tAc", sql, user="chatdb_reader", **kw)
    counts = {t: int(q(f"SELECT count(*) FROM {t}", db="chatdb_demo").stdout) for t in TABLES}
    assert all(20 <= n <= 200 for n in (counts["customers"], counts["products"], counts["orders"])), counts
    expensive = int(q("SELECT count(*) FROM products WHERE unit_price > 100", db="chatdb_demo").stdout)
    assert 0 < expensive < counts["products"]  # what tests/integration asks about
    joined = q("SELECT count(*) FROM orders o JOIN customers c ON c.id = o.customer_id", db="chatdb_demo")
    assert int(joined.stdout) == counts["orders"]
    # Read-only there, and no way into the metadata database.
    write = q("INSERT INTO customers (id, name, city, country, signup_date) VALUES (999, 'x', 'y', 'z', now())",
              db="chatdb_demo")
    assert write.returncode != 0 and "read-only transaction" in write.stderr
    meta = q("SELECT 1")
    assert meta.returncode != 0 and "permission denied for database" in meta.stderr
