"""ChatDB load test: the user mix of the deployment guide plus predictions.

Each simulated user asks questions (query-parser), submits small training jobs
(training-orchestrator), checks health, and asks for predictions (ml-engine).

Where requests go:
- Through the ingress: `locust --host http://chatdb.local`; every path below is one the
  ingress routes (health goes to test-service at /test/health).
- Straight to the services (the cluster's test-targets, `scripts/local-cluster.sh`, `chatdb up`):
  set TRAINING_ORCHESTRATOR_URL, QUERY_PARSER_URL, ML_ENGINE_URL, MODEL_REGISTRY_URL and
  TEST_SERVICE_URL (the names of the services' own settings); each request then goes to its
  service's base URL.

Before the users start, the test trains the model that predictions use (PREDICT_MODEL, default
locust-churn) on TRAIN_DATASET (default file://demo/churn.csv, the demo dataset every ML engine
has), unless a READY version of it exists. `make test-load` runs this headless against the
local cluster and writes reports/load-test.html and reports/load-test.json.
"""
import os
import random
import time
import uuid

import requests
from locust import events
from locust import HttpUser, between, task

# Questions the demo database answers (see the query-parser's demo question tests).
QUESTIONS = [
    "how many customers are there",
    "number of orders per status",
    "how many customers are in each country",
    "top 3 most expensive products",
    "average unit price per category",
    "products that cost more than 100",
    "orders with total amount at least 900",
    "customers in Germany or France",
    "which customer has the most orders",
    "total amount of orders by country",
]

# Rows of the demo churn dataset's features.
INSTANCES = [
    {"tenure_months": 3, "monthly_charges": 80.5, "contract": "month-to-month", "payment_method": "electronic check",
     "internet_service": "fiber", "support_calls": 4, "senior_citizen": 0, "total_charges": 241.5},
    {"tenure_months": 48, "monthly_charges": 45.0, "contract": "two-year", "payment_method": "credit card",
     "internet_service": "dsl", "support_calls": 0, "senior_citizen": 1, "total_charges": 2160.0},
    {"tenure_months": 12, "monthly_charges": 65.2, "contract": "one-year", "payment_method": "bank transfer",
     "internet_service": "none", "support_calls": 2, "senior_citizen": 0, "total_charges": 782.4},
]

MODEL = os.environ.get("PREDICT_MODEL", "locust-churn")
DATASET = os.environ.get("TRAIN_DATASET", "file://demo/churn.csv")
# Small jobs: the load is on the services, not on XGBoost.
TRAIN_PARAMS = {"num_rounds": int(os.environ.get("TRAIN_ROUNDS", "10"))}


def service_url(env_name):
    """Base URL of a service from the environment, or "" to use the --host (the ingress)."""
    return os.environ.get(env_name, "").rstrip("/")


@events.test_start.add_listener
def train_the_prediction_model(environment, **_):
    """Makes sure MODEL has a READY version before any user asks it for predictions."""
    host = environment.host or os.environ.get("LOCUST_HOST", "http://chatdb.local")
    registry = service_url("MODEL_REGISTRY_URL") or host + "/api/v1"
    orchestrator = service_url("TRAINING_ORCHESTRATOR_URL") or host + "/api/v1"
    if requests.get(f"{registry}/registered-models/{MODEL}/versions/latest", timeout=10).status_code == 200:
        return
    job = requests.post(f"{orchestrator}/jobs", json={"model_name": MODEL, "dataset_location": DATASET,
                                                      "cpu_request": 1, "params": TRAIN_PARAMS}, timeout=10)
    job.raise_for_status()
    deadline = time.time() + 300
    while time.time() < deadline:
        status = requests.get(f"{orchestrator}/jobs/{job.json()['id']}", timeout=10).json()
        if status["status"] == "succeeded":
            return
        if status["status"] in ("failed", "cancelled"):
            raise RuntimeError(f"training the prediction model failed: {status.get('error')}")
        time.sleep(0.5)
    raise RuntimeError("training the prediction model did not finish in 300 s")


class ChatDBUser(HttpUser):
    wait_time = between(0.5, 2.0)
    host = os.environ.get("LOCUST_HOST", "http://chatdb.local")

    def on_start(self):
        self.orchestrator = service_url("TRAINING_ORCHESTRATOR_URL")
        self.query_parser = service_url("QUERY_PARSER_URL")
        self.ml_engine = service_url("ML_ENGINE_URL")
        direct = [service_url(n) for n in ("TRAINING_ORCHESTRATOR_URL", "QUERY_PARSER_URL",
                                           "ML_ENGINE_URL", "MODEL_REGISTRY_URL", "TEST_SERVICE_URL")]
        # Through the ingress only test-service's health is routed (/test/health).
        self.health_urls = [f"{u}/health" for u in direct if u] or ["/test/health"]

    @task(5)
    def parse_question(self):
        self.client.post(f"{self.query_parser}/api/v1/parse", json={"query": random.choice(QUESTIONS)},
                         name="POST /api/v1/parse")

    @task(2)
    def ask_question(self):
        with self.client.post(f"{self.query_parser}/api/v1/query", json={"query": random.choice(QUESTIONS)},
                              name="POST /api/v1/query", catch_response=True) as response:
            if response.status_code == 200 and response.json()["row_count"] != len(response.json()["rows"]):
                response.failure("row_count does not match the rows")

    @task(1)
    def submit_training_job(self):
        body = {
            "model_name": f"locust-{uuid.uuid4().hex[:8]}",
            "dataset_location": DATASET,
            "cpu_request": 1,
            "params": TRAIN_PARAMS,
        }
        with self.client.post(f"{self.orchestrator}/api/v1/jobs", json=body, name="POST /api/v1/jobs",
                              catch_response=True) as response:
            if response.status_code != 202:
                response.failure(f"job submission answered {response.status_code}")

    @task(3)
    def health(self):
        self.client.get(random.choice(self.health_urls), name="GET /health")

    @task(3)
    def predict(self):
        body = {"model": MODEL, "instances": random.sample(INSTANCES, k=2)}
        with self.client.post(f"{self.ml_engine}/api/v1/predict", json=body, name="POST /api/v1/predict",
                              catch_response=True) as response:
            if response.status_code == 200 and len(response.json()["predictions"]) != 2:
                response.failure("not one prediction per instance")
