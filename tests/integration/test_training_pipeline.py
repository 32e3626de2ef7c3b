"""The guide's ML training pipeline: submit -> queued (on the bus) -> trained -> registered with
valid metadata and a verifiable artifact -> predictions from it."""
import hashlib

import requests

from it_helpers import submit_job, unique, wait_for_job

CHURN_ROW = {"tenure_months": 3, "monthly_charges": 80.5, "contract": "month-to-month",
             "payment_method": "electronic check", "internet_service": "fiber", "support_calls": 4,
             "senior_citizen": 0, "total_charges": 241.5}
HOUSE_ROW = {"area_sqft": 2045, "bedrooms": 3, "bathrooms": 1, "year_built": 2003, "neighborhood": "riverside",
             "garage": "yes", "lot_size_sqft": 4243, "distance_to_center_km": 6.1}


def registry(chatdb, path):
    return chatdb.url("model-registry", path)


def test_submit_train_register_predict(chatdb):
    name = unique("it-churn")
    accepted = submit_job(chatdb, model_name=name, dataset_location="file://demo/churn.csv", target="churned",
                          params={"num_rounds": 30})
    assert accepted["status"] in ("queued", "running")
    assert accepted["model_name"] == name and accepted["cpu_request"] == 1

    job = wait_for_job(chatdb, accepted["id"])
    assert job["status"] == "succeeded", job
    assert job["progress"] == 1.0 and job["attempts"] >= 1
    assert job["model_version"] == 1
    assert 0.5 <= job["metrics"]["accuracy"] <= 1.0 and 0.5 <= job["metrics"]["roc_auc"] <= 1.0

    # Registered exactly once for the job, with metadata that describes the model.
    versions = requests.get(registry(chatdb, "/model-versions"), params={"job_id": job["id"]}, timeout=5).json()
    assert [(v["name"], v["version"]) for v in versions["model_versions"]] == [(name, 1)]
    version = requests.get(registry(chatdb, f"/registered-models/{name}/versions/1"), timeout=5).json()
    assert version["status"] == "READY" and version["job_id"] == job["id"]
    meta = version["metadata"]
    assert meta["target"]["name"] == "churned" and meta["task"] == "classification"
    assert {f["name"] for f in meta["features"]} == set(CHURN_ROW)
    assert meta["classes"] == ["no", "yes"]
    assert meta["metrics"] == job["metrics"]
    assert meta["dataset_location"] == "file://demo/churn.csv" and len(meta["dataset_sha256"]) == 64
    assert meta["job_id"] == job["id"] and meta["params"]["num_rounds"] == 30

    # The artifact's bytes are the ones the registry recorded.
    artifact = requests.get(registry(chatdb, f"/registered-models/{name}/versions/1/artifact"), timeout=10)
    assert artifact.status_code == 200
    digest = hashlib.sha256(artifact.content).hexdigest()
    assert digest == version["artifact_sha256"] == artifact.headers["X-Artifact-Sha256"]
    assert len(artifact.content) == version["artifact_size"]

    # Predictions, by version and through an alias.
    r = requests.post(chatdb.url("ml-engine", "/predict"),
                      json={"model": name, "version": 1, "instances": [CHURN_ROW, dict(CHURN_ROW, tenure_months=60)]},
                      timeout=10)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["version"] == 1 and len(body["predictions"]) == 2
    assert set(body["predictions"]) <= {"no", "yes"}
    assert all(abs(sum(p) - 1.0) < 1e-6 for p in body["probabilities"])

    assert requests.put(registry(chatdb, f"/registered-models/{name}/aliases/production"), json={"version": 1},
                        timeout=5).status_code == 200
    by_alias = requests.post(chatdb.url("ml-engine", "/api/v1/predict"),
                             json={"model": name, "alias": "production", "instances": [CHURN_ROW]}, timeout=10)
    assert by_alias.status_code == 200, by_alias.text
    assert by_alias.json()["probabilities"][0] == body["probabilities"][0]


def test_regression_model_gets_a_sensible_r2(chatdb):
    name = unique("it-house")
    job = wait_for_job(chatdb, submit_job(chatdb, model_name=name, dataset_location="file://demo/house_prices.csv",
                                          task="regression")["id"])
    assert job["status"] == "succeeded", job
    assert job["metrics"]["r2"] > 0.5, job["metrics"]
    r = requests.post(chatdb.url("ml-engine", "/predict"), json={"model": name, "instances": [HOUSE_ROW]}, timeout=10)
    assert r.status_code == 200, r.text
    assert r.json()["predictions"][0] > 0


def test_a_prediction_with_a_wrong_feature_names_it(chatdb):
    name = unique("it-bad")
    job = wait_for_job(chatdb, submit_job(chatdb, model_name=name, dataset_location="file://demo/churn.csv",
                                          params={"num_rounds": 5})["id"])
    assert job["status"] == "succeeded", job
    r = requests.post(chatdb.url("ml-engine", "/predict"),
                      json={"model": name, "version": 1, "instances": [dict(CHURN_ROW, shoe_size=44)]}, timeout=10)
    assert 400 <= r.status_code < 500
    assert "shoe_size" in r.json()["detail"]


def test_a_dataset_outside_the_root_fails_the_job_cleanly_and_registers_nothing(chatdb):
    name = unique("it-outside")
    r = requests.post(chatdb.url("training-orchestrator", "/jobs"),
                      json={"model_name": name, "dataset_location": "file:///etc/passwd", "cpu_request": 1}, timeout=5)
    if r.status_code == 202:
        job = wait_for_job(chatdb, r.json()["id"])
        assert job["status"] == "failed" and job["error"], job
    else:
        assert 400 <= r.status_code < 500
    listed = requests.get(registry(chatdb, "/model-versions"), params={"name": name}, timeout=5).json()
    assert [v for v in listed["model_versions"] if v["status"] == "READY"] == []
