"""The peer ChatDB is measured against: the Python service a team would otherwise write for the
same three endpoints, with FastAPI and uvicorn (uvloop, httptools) from Debian.

- GET /health
- POST /jobs {"model_name", "dataset_location", "cpu_request"?}: one SQLite transaction
  (WAL, synchronous=NORMAL, as ChatDB's embedded store) inserting the job row and its outbox
  row; answers 202 {"id", "status": "queued", "queue_position"}. The position comes from an
  index (queued jobs are never admitted here, so it is the distance from the oldest queued job).
- POST /predict {"model", "version"?, "instances": [{feature: value}] | "dataframe_split":
  {"columns", "data"}}: the same XGBoost model ChatDB serves (its artifact, loaded with
  python3-xgboost), numpy matrices, inplace_predict.

Configured by the environment: PEER_DB (SQLite file), PEER_MODEL (XGBoost JSON model),
PEER_FEATURES (the model's feature names, comma-separated, in input order), PEER_CLASSES
(class labels as JSON, for a classifier). Run: uvicorn app:app --loop uvloop --http httptools.
"""
import json
import os
import sqlite3
import threading
import time
import uuid

import numpy as np
import xgboost
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

app = FastAPI()

FEATURES = os.environ["PEER_FEATURES"].split(",")
INDEX = {name: i for i, name in enumerate(FEATURES)}
CLASSES = json.loads(os.environ.get("PEER_CLASSES", "null"))
BOOSTER = xgboost.Booster(model_file=os.environ["PEER_MODEL"])
BOOSTER.set_param({"nthread": 1})

_local = threading.local()


def db():
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = sqlite3.connect(os.environ["PEER_DB"], isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA busy_timeout=5000")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS jobs (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE NOT NULL, "
            "model_name TEXT NOT NULL, dataset_location TEXT NOT NULL, cpu_request REAL NOT NULL, "
            "status TEXT NOT NULL, submitted_at INTEGER NOT NULL)")
        conn.execute("CREATE INDEX IF NOT EXISTS jobs_status_seq ON jobs (status, seq)")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, topic TEXT NOT NULL, "
            "msg_key TEXT NOT NULL, payload TEXT NOT NULL, published INTEGER NOT NULL DEFAULT 0)")
        _local.conn = conn
    return conn


def problem(status, detail):
    return JSONResponse({"type": "about:blank", "title": "Bad Request", "status": status, "detail": detail},
                        status_code=status, media_type="application/problem+json")


@app.get("/health")
async def health():
    return {"status": "ok"}


@app.post("/jobs")
async def submit(request: Request):
    body = await request.json()
    name, location = body.get("model_name"), body.get("dataset_location")
    cpu = body.get("cpu_request", 1)
    if not isinstance(name, str) or not isinstance(location, str) or not isinstance(cpu, (int, float)):
        return problem(400, "model_name and dataset_location are strings, cpu_request a number")
    job_id = uuid.uuid4().hex
    now = int(time.time() * 1000)
    conn = db()
    conn.execute("BEGIN IMMEDIATE")
    try:
        cur = conn.execute(
            "INSERT INTO jobs (id, model_name, dataset_location, cpu_request, status, submitted_at) "
            "VALUES (?, ?, ?, ?, 'queued', ?)", (job_id, name, location, cpu, now))
        seq = cur.lastrowid
        conn.execute("INSERT INTO outbox (topic, msg_key, payload) VALUES ('training_jobs', ?, ?)",
                     (job_id, json.dumps({"job_id": job_id, "model_name": name, "dataset_location": location})))
        first = conn.execute("SELECT MIN(seq) FROM jobs WHERE status = 'queued'").fetchone()[0]
        conn.execute("COMMIT")
    except Exception:
        conn.execute("ROLLBACK")
        raise
    return JSONResponse({"id": job_id, "status": "queued", "queue_position": seq - first + 1}, status_code=202)


def answer(matrix, name, version):
    out = BOOSTER.inplace_predict(matrix)
    body = {"model": name, "version": version}
    if CLASSES is None:
        body["predictions"] = out.tolist()
        return body
    probabilities = np.column_stack([1 - out, out]) if out.ndim == 1 else out
    body["predictions"] = [CLASSES[i] for i in probabilities.argmax(axis=1)]
    body["probabilities"] = probabilities.tolist()
    body["classes"] = CLASSES
    return body


@app.post("/predict")
async def predict(request: Request):
    body = await request.json()
    name = body.get("model")
    version = body.get("version", 1)
    if "dataframe_split" in body:
        split = body["dataframe_split"]
        columns = split.get("columns")
        if sorted(columns) != sorted(FEATURES):
            return problem(400, "columns must be the model's features")
        matrix = np.asarray(split["data"], dtype=np.float32)
        if matrix.ndim != 2 or matrix.shape[1] != len(FEATURES):
            return problem(400, "data must be rows of one value per column")
        if columns != FEATURES:
            matrix = matrix[:, [columns.index(f) for f in FEATURES]]
    elif "instances" in body:
        rows = body["instances"]
        matrix = np.empty((len(rows), len(FEATURES)), dtype=np.float32)
        for r, row in enumerate(rows):
            if set(row) != INDEX.keys():
                return problem(400, f"instance {r} must give every feature")
            for key, value in row.items():
                matrix[r, INDEX[key]] = np.nan if value is None else value
    else:
        return problem(400, "give instances or dataframe_split")
    return answer(matrix, name, version)
