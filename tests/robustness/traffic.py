"""A steady stream of work against a running ChatDB while the experiments break things: small
training jobs (one a second) and questions (five a second), each request recorded with its
outcome, so that an experiment can judge what its callers saw and which jobs were acknowledged."""
import threading
import time
import uuid

import requests

JOB = {"dataset_location": "file://demo/churn.csv", "cpu_request": 1, "params": {"num_rounds": 10}}
QUESTIONS = ["how many customers are there", "number of orders per status", "how many customers are in each country"]


class Record:
    __slots__ = ("at", "kind", "status", "seconds", "retry_after", "error")

    def __init__(self, at, kind, status, seconds, retry_after=None, error=None):
        self.at, self.kind, self.status, self.seconds = at, kind, status, seconds
        self.retry_after, self.error = retry_after, error


def call(kind, method, url, records, lock, timeout=10, **kwargs):
    """One request, recorded; status 0 means no HTTP answer (refused, reset or timed out)."""
    started = time.time()
    try:
        r = requests.request(method, url, timeout=timeout, **kwargs)
        rec = Record(started, kind, r.status_code, time.time() - started, r.headers.get("Retry-After"))
    except requests.Timeout:
        r, rec = None, Record(started, kind, 0, time.time() - started, error="timeout")
    except requests.RequestException as e:
        r, rec = None, Record(started, kind, 0, time.time() - started, error=type(e).__name__)
    with lock:
        records.append(rec)
    return r


class Traffic:
    """Runs on two threads until stop(); `acknowledged` holds the ids of jobs answered 202."""

    def __init__(self, urls, job_period=1.0, question_period=0.2):
        self.urls = urls
        self.job_period, self.question_period = job_period, question_period
        self.records = []
        self.acknowledged = []
        self.lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = []

    def start(self):
        for target in (self._jobs, self._questions):
            t = threading.Thread(target=target, daemon=True)
            t.start()
            self._threads.append(t)
        return self

    def stop(self):
        self._stop.set()
        for t in self._threads:
            t.join(15)

    def _jobs(self):
        n = 0
        while not self._stop.is_set():
            n += 1
            key = uuid.uuid4().hex
            body = dict(JOB, model_name=f"rb-{n % 20}")
            r = call("submit", "POST", self.urls["training-orchestrator"] + "/jobs", self.records, self.lock,
                     json=body, headers={"Idempotency-Key": key})
            if r is not None and r.status_code == 202:
                with self.lock:
                    self.acknowledged.append(r.json()["id"])
            self._stop.wait(self.job_period)

    def _questions(self):
        n = 0
        while not self._stop.is_set():
            n += 1
            call("query", "POST", self.urls["query-parser"] + "/query", self.records, self.lock,
                 json={"query": QUESTIONS[n % len(QUESTIONS)]})
            self._stop.wait(self.question_period)

    def window(self, start, end):
        with self.lock:
            return [r for r in self.records if start <= r.at <= end]


def percentile(values, p):
    if not values:
        return None
    values = sorted(values)
    k = min(len(values) - 1, max(0, int(round(p / 100.0 * (len(values) - 1)))))
    return values[k]
