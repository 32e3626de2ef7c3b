"""Backup and restore of ChatDB's durable state: the metadata database (jobs, outbox, registered
models, versions, aliases, tags) and the model artifacts. Used by scripts/backup.sh and
scripts/restore.sh, configured by the services' own variables:

  DATABASE_URL       postgresql://... (pg_dump -Fc / pg_restore) or sqlite://PATH (SQLite backup API)
  S3_ENDPOINT, S3_BUCKET, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY
                     artifacts in S3 (curl with SigV4); without S3_ENDPOINT the artifacts are the
                     files under CHATDB_DATA_DIR/artifacts (default .chatdb)

A backup directory holds metadata.dump (or metadata.sqlite), artifacts/<object key> and
manifest.json (every object's size and sha256). Restore checks every artifact against the
manifest, and against its content address for sha256/<digest> keys, before writing anything,
and refuses a damaged backup. It replaces the target's database: stop the services first.
"""
import argparse
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import xml.etree.ElementTree as ET


def fail(msg):
    print(f"chatdb-backup: {msg}", file=sys.stderr)
    sys.exit(1)


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def pg_tool(name):
    versions = sorted(os.listdir("/usr/lib/postgresql"), key=lambda v: int(v) if v.isdigit() else 0)
    return os.path.join("/usr/lib/postgresql", versions[-1], "bin", name) if versions else name


# --- artifact stores -------------------------------------------------------------------------

class S3:
    def __init__(self, env):
        self.endpoint = env["S3_ENDPOINT"].rstrip("/")
        self.bucket = env.get("S3_BUCKET", "model-artifacts")
        self.auth = ["--aws-sigv4", "aws:amz:" + env.get("AWS_REGION", "us-east-1") + ":s3",
                     "-u", f"{env.get('AWS_ACCESS_KEY_ID', '')}:{env.get('AWS_SECRET_ACCESS_KEY', '')}",
                     "-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD"]

    def _curl(self, args):
        r = subprocess.run(["curl", "-sS", "--fail-with-body", "--max-time", "600"] + self.auth + args,
                           capture_output=True)
        if r.returncode != 0:
            fail(f"S3 request failed: {' '.join(args[-1:])}: {r.stderr.decode()} {r.stdout[:300].decode(errors='replace')}")
        return r.stdout

    def keys(self):
        keys, token = [], None
        while True:
            query = "list-type=2" + (f"&continuation-token={urllib.parse.quote(token)}" if token else "")
            root = ET.fromstring(self._curl([f"{self.endpoint}/{self.bucket}?{query}"]))
            ns = re.match(r"\{.*\}", root.tag).group(0) if root.tag.startswith("{") else ""
            keys += [c.find(ns + "Key").text for c in root.findall(ns + "Contents")]
            if root.findtext(ns + "IsTruncated") != "true":
                return keys
            token = root.findtext(ns + "NextContinuationToken")

    def get(self, key, path):
        self._curl(["-o", path, f"{self.endpoint}/{self.bucket}/{urllib.parse.quote(key)}"])

    def put(self, key, path):
        self._curl(["-T", path, f"{self.endpoint}/{self.bucket}/{urllib.parse.quote(key)}"])


class LocalDir:
    def __init__(self, root):
        self.root = root

    def keys(self):
        out = []
        for d, _, files in os.walk(self.root):
            out += [os.path.relpath(os.path.join(d, f), self.root) for f in files if not f.endswith(".tmp")]
        return sorted(out)

    def get(self, key, path):
        shutil.copyfile(os.path.join(self.root, key), path)

    def put(self, key, path):
        dest = os.path.join(self.root, key)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        shutil.copyfile(path, dest)


def artifact_store(env):
    if env.get("S3_ENDPOINT"):
        return S3(env)
    return LocalDir(os.path.join(env.get("CHATDB_DATA_DIR", ".chatdb"), "artifacts"))


# --- metadata --------------------------------------------------------------------------------

def database_url(env):
    data_dir = env.get("CHATDB_DATA_DIR", ".chatdb")
    return env.get("DATABASE_URL") or f"sqlite://{data_dir}/chatdb.db"


def dump_metadata(url, directory):
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        path = os.path.join(directory, "metadata.dump")
        r = subprocess.run([pg_tool("pg_dump"), "-Fc", "--no-owner", "-f", path, url], capture_output=True, text=True)
        if r.returncode != 0:
            fail(f"pg_dump failed: {r.stderr.strip()}")
        return "metadata.dump"
    path = url.removeprefix("sqlite://")
    with sqlite3.connect(path) as src, sqlite3.connect(os.path.join(directory, "metadata.sqlite")) as dst:
        src.backup(dst)
    return "metadata.sqlite"


def restore_metadata(url, directory, name):
    if name == "metadata.dump":
        if not url.startswith(("postgresql://", "postgres://")):
            fail(f"the backup holds a PostgreSQL dump but DATABASE_URL is {url}")
        parts = urllib.parse.urlsplit(url)
        db = parts.path.lstrip("/")
        admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
        psql = pg_tool("psql")
        for sql in (f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)', f'CREATE DATABASE "{db}"'):
            r = subprocess.run([psql, "-v", "ON_ERROR_STOP=1", "-qc", sql, admin], capture_output=True, text=True)
            if r.returncode != 0:
                fail(f"{sql} failed: {r.stderr.strip()}")
        r = subprocess.run([pg_tool("pg_restore"), "--no-owner", "--exit-on-error", "-d", url,
                            os.path.join(directory, name)], capture_output=True, text=True)
        if r.returncode != 0:
            fail(f"pg_restore failed: {r.stderr.strip()}")
        return
    path = url.removeprefix("sqlite://")
    if url.startswith("postgres"):
        fail(f"the backup holds a SQLite database but DATABASE_URL is {url}")
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    for suffix in ("-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    with sqlite3.connect(os.path.join(directory, name)) as src, sqlite3.connect(path) as dst:
        src.backup(dst)


# --- commands --------------------------------------------------------------------------------

def backup(directory, env):
    if os.path.exists(directory) and os.listdir(directory):
        fail(f"{directory} is not empty; give a new directory")
    os.makedirs(os.path.join(directory, "artifacts"), exist_ok=True)
    started = time.time()
    metadata = dump_metadata(database_url(env), directory)
    store = artifact_store(env)
    objects = {}
    for key in store.keys():
        path = os.path.join(directory, "artifacts", key)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        store.get(key, path)
        objects[key] = {"bytes": os.path.getsize(path), "sha256": sha256_file(path)}
        if key.startswith("sha256/") and objects[key]["sha256"] != key.split("/", 1)[1]:
            fail(f"artifact {key} in the store does not match its digest; the store is damaged")
    manifest = {"created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "metadata": metadata,
                "database": re.sub(r"//[^@/]*@", "//", database_url(env)), "objects": objects}
    with open(os.path.join(directory, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
    print(f"chatdb-backup: {metadata} and {len(objects)} artifacts "
          f"({sum(o['bytes'] for o in objects.values())} bytes) in {directory} ({time.time() - started:.1f} s)")


def restore(directory, env):
    try:
        manifest = json.load(open(os.path.join(directory, "manifest.json")))
    except OSError as e:
        fail(f"{directory} is not a backup: {e}")
    damaged = []
    for key, meta in manifest["objects"].items():
        path = os.path.join(directory, "artifacts", key)
        digest = sha256_file(path) if os.path.exists(path) else None
        if digest != meta["sha256"] or (key.startswith("sha256/") and digest != key.split("/", 1)[1]):
            damaged.append(key)
    if damaged:
        fail(f"the backup is damaged: {len(damaged)} artifacts do not match their digest ({', '.join(damaged[:3])}); "
             "nothing was restored")
    restore_metadata(database_url(env), directory, manifest["metadata"])
    store = artifact_store(env)
    for key in manifest["objects"]:
        store.put(key, os.path.join(directory, "artifacts", key))
    print(f"chatdb-backup: restored {manifest['metadata']} and {len(manifest['objects'])} artifacts from {directory}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("command", choices=["backup", "restore"])
    p.add_argument("directory")
    a = p.parse_args()
    (backup if a.command == "backup" else restore)(os.path.abspath(a.directory), dict(os.environ))


if __name__ == "__main__":
    main()
