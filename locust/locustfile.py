"""ChatDB load test: the user mix of the deployment guide plus predictions.

Each simulated user asks questions (query-parser), submits training jobs
(training-orchestrator), checks health, and asks for predictions (ml-engine).

Where requests go:
- Through the ingress: `locust --host http://chatdb.local`; every path below is one the
  ingress routes (health goes to test-service at /test/health).
- Straight to the services (in the cluster, or `chatdb up`): set TRAINING_ORCHESTRATOR_URL,
  QUERY_PARSER_URL, ML_ENGINE_URL, MODEL_REGISTRY_URL and TEST_SERVICE_URL (the names of the
  services' own settings); each request then goes to its service's base URL.

PREDICT_MODEL names the registered model to ask for predictions (default: iris) and
TRAIN_DATASET the dataset that training jobs use (default: demo://iris).
"""
import os
import random
import uuid

from locust import HttpUser, between, task

QUESTIONS = [
    "how many customers are there",
    "show the 10 most recent orders",
    "what is the total revenue by month",
    "which products sold the most units last year",
    "average order value per customer country",
    "list customers who placed more than 5 orders",
]

FEATURES = [
    {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2},
    {"sepal_length": 6.7, "sepal_width": 3.0, "petal_length": 5.2, "petal_width": 2.3},
    {"sepal_length": 5.9, "sepal_width": 3.0, "petal_length": 4.2, "petal_width": 1.5},
]


def service_url(env_name):
    """Base URL of a service from the environment, or "" to use the --host (the ingress)."""
    return os.environ.get(env_name, "").rstrip("/")


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
        self.model = os.environ.get("PREDICT_MODEL", "iris")
        self.dataset = os.environ.get("TRAIN_DATASET", "demo://iris")

    @task(5)
    def parse_question(self):
        self.client.post(f"{self.query_parser}/api/v1/parse", json={"query": random.choice(QUESTIONS)},
                         name="POST /api/v1/parse")

    @task(1)
    def submit_training_job(self):
        body = {
            "model_name": f"locust-{uuid.uuid4().hex[:8]}",
            "dataset_location": self.dataset,
            "cpu_request": random.choice([0.5, 1, 2]),
        }
        with self.client.post(f"{self.orchestrator}/api/v1/jobs", json=body, name="POST /api/v1/jobs",
                              catch_response=True) as response:
            if response.status_code in (200, 201, 202):
                response.success()
            else:
                response.failure(f"job submission answered {response.status_code}")

    @task(3)
    def health(self):
        self.client.get(random.choice(self.health_urls), name="GET /health")

    @task(3)
    def predict(self):
        body = {"model_name": self.model, "instances": random.sample(FEATURES, k=2)}
        self.client.post(f"{self.ml_engine}/api/v1/predict", json=body, name="POST /api/v1/predict")
