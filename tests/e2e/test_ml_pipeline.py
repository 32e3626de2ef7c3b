"""The ML pipeline end to end against `chatdb up`: submit a training job, watch it, find the
model in the registry with its metrics, get predictions; and bad input at every step."""
import os
import time
import uuid

import pytest
import requests

SKLEARN_DATA = "/usr/lib/python3/dist-packages/sklearn/datasets/data"
TERMINAL = ("succeeded", "failed", "cancelled")


def dataset_root(up):
    # The `up` fixture keeps CHATDB_DATA_DIR beside its log; the dataset root is DATA_DIR/datasets.
    return os.path.join(os.path.dirname(up.log_path), "data", "datasets")


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def submit(up, **body):
    r = requests.post(up.urls["training-orchestrator"] + "/jobs", json=body, timeout=10)
    assert r.status_code == 202, r.text
    return r.json()["id"]


def wait(up, job_id, timeout=120, until=TERMINAL):
    deadline = time.time() + timeout
    while time.time() < deadline:
        job = requests.get(up.urls["training-orchestrator"] + "/jobs/" + job_id, timeout=10).json()
        if job["status"] in until:
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} is still {job['status']} after {timeout} s")


def versions(up, model):
    r = requests.get(up.urls["model-registry"] + f"/registered-models/{model}/versions", timeout=10)
    return r.json()["model_versions"] if r.status_code == 200 else []


def predict(up, body):
    return requests.post(up.urls["ml-engine"] + "/predict", json=body, timeout=60)


CUSTOMER = {"tenure_months": 2, "monthly_charges": 99.5, "contract": "month-to-month",
            "payment_method": "electronic check", "internet_service": "fiber", "support_calls": 5,
            "senior_citizen": 1, "total_charges": None}


def test_the_demo_churn_dataset_trains_registers_and_predicts(up):
    model = unique("churn")
    job_id = submit(up, model_name=model, dataset_location="file://demo/churn.csv", cpu_request=1)
    job = wait(up, job_id)
    assert job["status"] == "succeeded", job
    assert job["model_version"] == 1
    assert job["progress"] == 1.0
    assert job["metrics"]["roc_auc"] > 0.8, job["metrics"]

    [version] = versions(up, model)
    assert version["status"] == "READY"
    assert version["job_id"] == job_id
    meta = version["metadata"]
    assert meta["task"] == "classification" and meta["algorithm"] == "xgboost"
    assert meta["target"]["name"] == "churned" and meta["classes"] == ["no", "yes"]
    assert meta["metrics"] == job["metrics"]
    assert meta["dataset_location"] == "file://demo/churn.csv" and len(meta["dataset_sha256"]) == 64
    assert [c["name"] for c in meta["ignored_columns"]] == ["customer_id"]
    contract = next(f for f in meta["features"] if f["name"] == "contract")
    assert contract == {"name": "contract", "type": "categorical", "encoding": "onehot",
                        "categories": ["month-to-month", "one-year", "two-year"]}
    assert abs(sum(meta["feature_importance"].values()) - 1) < 1e-6

    loyal = dict(CUSTOMER, tenure_months=70, contract="two-year", support_calls=0, internet_service="none",
                 monthly_charges=25.0, senior_citizen=0)
    r = predict(up, {"model": model, "instances": [CUSTOMER, loyal]})
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["model"] == model and out["version"] == 1 and out["classes"] == ["no", "yes"]
    assert out["predictions"] == ["yes", "no"]
    assert out["probabilities"][0][1] > 0.5 > out["probabilities"][1][1]

    # By version, and by an alias that the registry moves.
    assert predict(up, {"model": model, "version": 1, "instances": [CUSTOMER]}).status_code == 200
    r = requests.put(up.urls["model-registry"] + f"/registered-models/{model}/aliases/production", json={"version": 1}, timeout=10)
    assert r.status_code in (200, 201), r.text
    assert predict(up, {"model": model, "alias": "production", "instances": [CUSTOMER]}).json()["version"] == 1


def test_the_documents_job_body_and_the_ml_prefix(up):
    """The deployment documents send jobs without cpu_request and predict through /api/v1/ml."""
    model = unique("docs")
    r = requests.post(up.urls["training-orchestrator"] + "/api/v1/jobs", timeout=10,
                      json={"model_name": model, "dataset_location": "file://demo/churn.csv"})
    assert r.status_code == 202, r.text
    job = wait(up, r.json()["id"])
    assert job["status"] == "succeeded" and job["cpu_request"] == 1, job

    engine = up.urls["ml-engine"]
    prefixes = ("/predict", "/api/v1/predict", "/ml/predict", "/api/v1/ml/predict")

    def same_everywhere(body):
        got = []
        for path in prefixes:
            a = requests.post(engine + path, json=body, timeout=60)
            got.append((a.status_code, a.headers["Content-Type"], a.content))
        assert all(g == got[0] for g in got[1:]), list(zip(prefixes, got))
        return got[0]

    status, _, body = same_everywhere({"model": model, "instances": [CUSTOMER]})
    assert status == 200 and b'"predictions":["yes"]' in body.replace(b" ", b""), body
    for bad in ({"model": model, "instances": []}, {"model": unique("nobody"), "instances": [CUSTOMER]},
                {"model": model, "version": 7, "instances": [CUSTOMER]}):
        status, content_type, _ = same_everywhere(bad)
        assert status in (400, 404) and content_type == "application/problem+json", (bad, status)
    # The common endpoints answer under /ml too, and GET / lists the prefix.
    assert requests.get(engine + "/api/v1/ml/health", timeout=10).json()["service"] == "ml-engine"
    assert "/api/v1/ml" in requests.get(engine + "/ml/", timeout=10).json()["api_prefixes"]
    # One route, whatever the prefix: the metrics count them together under /predict.
    metrics = requests.get(engine + "/metrics", timeout=10).text
    assert 'route="/predict",method="POST",code="200"' in metrics and 'route="/ml/predict"' not in metrics


def write_breast_cancer(root):
    # scikit-learn's file starts with "569,30,malignant,benign" instead of a header.
    with open(os.path.join(SKLEARN_DATA, "breast_cancer.csv")) as f:
        f.readline()
        rows = f.read()
    os.makedirs(os.path.join(root, "sklearn"), exist_ok=True)
    with open(os.path.join(root, "sklearn", "breast_cancer.csv"), "w") as f:
        f.write(",".join(f"f{i}" for i in range(30)) + ",target\n" + rows)


@pytest.mark.parametrize("algorithm", ["xgboost", "linear"])
def test_breast_cancer_reaches_93_percent_accuracy(up, algorithm):
    write_breast_cancer(dataset_root(up))
    model = unique("cancer-" + algorithm)
    job = wait(up, submit(up, model_name=model, dataset_location="file://sklearn/breast_cancer.csv", cpu_request=2,
                          algorithm=algorithm, task="classification"))
    assert job["status"] == "succeeded", job
    assert job["metrics"]["accuracy"] >= 0.93, job["metrics"]
    assert versions(up, model)[0]["metadata"]["rows"] == {"train": 456, "validation": 113, "missing_target": 0}


@pytest.mark.parametrize("algorithm", ["xgboost", "linear"])
def test_house_prices_regression_has_a_sensible_r2(up, algorithm):
    model = unique("houses-" + algorithm)
    job = wait(up, submit(up, model_name=model, dataset_location="file://demo/house_prices.csv", cpu_request=1,
                          algorithm=algorithm, params={"seed": 7}))
    assert job["status"] == "succeeded", job
    assert job["metrics"]["r2"] > 0.8, job["metrics"]
    house = {"area_sqft": 2400, "bedrooms": 4, "bathrooms": 3, "year_built": 2005, "neighborhood": "lakeview",
             "garage": "yes", "lot_size_sqft": None, "distance_to_center_km": 3.0}
    out = predict(up, {"model": model, "instances": [house]}).json()
    assert 200000 < out["predictions"][0] < 1500000, out
    assert "probabilities" not in out


@pytest.mark.parametrize("location,body,message", [
    ("file:///etc/passwd", {}, "outside the dataset root"),
    ("file://../chatdb.db", {}, "outside the dataset root"),
    ("file://demo/missing.csv", {}, "no dataset at file://demo/missing.csv"),
    ("file://demo/churn.csv", {"target": "revenue"}, "the target column 'revenue' is not in the dataset"),
    ("file://demo/churn.csv", {"params": {"depth": 3}}, "unknown parameter 'depth' for xgboost"),
])
def test_bad_training_input_fails_with_a_clear_error_and_no_version(up, location, body, message):
    model = unique("bad")
    job = wait(up, submit(up, model_name=model, dataset_location=location, cpu_request=1, **body))
    assert job["status"] == "failed", job
    assert message in job["error"], job["error"]
    assert job["attempts"] == 1  # not retried: retrying cannot help
    assert versions(up, model) == []


def test_a_csv_without_its_target_column_or_broken_fails(up):
    root = dataset_root(up)
    os.makedirs(os.path.join(root, "bad"), exist_ok=True)
    with open(os.path.join(root, "bad", "broken.csv"), "w") as f:
        f.write('a,b,label\n1,2,x\n3,"4,y\n')
    job = wait(up, submit(up, model_name=unique("broken"), dataset_location="file://bad/broken.csv", cpu_request=1))
    assert job["status"] == "failed" and "a quoted field is never closed" in job["error"], job


def test_bad_prediction_requests_get_clear_4xx(up):
    model = unique("churn")
    assert wait(up, submit(up, model_name=model, dataset_location="file://demo/churn.csv", cpu_request=1,
                           params={"num_rounds": 10}))["status"] == "succeeded"

    wrong = dict(CUSTOMER, tenure=3)
    del wrong["tenure_months"]
    r = predict(up, {"model": model, "instances": [wrong]})
    assert r.status_code == 400 and r.headers["content-type"].startswith("application/problem+json")
    assert "unknown feature 'tenure'" in r.json()["detail"] and "missing feature 'tenure_months'" in r.json()["detail"]

    r = predict(up, {"model": model, "instances": [dict(CUSTOMER, support_calls="many")]})
    assert r.status_code == 400 and "feature 'support_calls' is numeric" in r.json()["detail"]

    assert predict(up, {"model": unique("nobody"), "instances": [CUSTOMER]}).status_code == 404
    assert predict(up, {"model": model, "version": 7, "instances": [CUSTOMER]}).status_code == 404
    assert predict(up, {"model": model, "alias": "staging", "instances": [CUSTOMER]}).status_code == 404
    assert predict(up, {"model": model, "instances": []}).status_code == 400
    assert predict(up, {"model": model, "instances": [CUSTOMER], "explain": True}).status_code == 400
    r = requests.post(up.urls["ml-engine"] + "/predict", data="{not json", timeout=10,
                      headers={"Content-Type": "application/json"})
    assert r.status_code == 400


def test_a_cancelled_job_stops_and_registers_nothing(up):
    model = unique("cancel")
    job_id = submit(up, model_name=model, dataset_location="file://demo/churn.csv", cpu_request=1,
                    params={"num_rounds": 5000, "max_depth": 10})
    deadline = time.time() + 60
    while time.time() < deadline:
        job = requests.get(up.urls["training-orchestrator"] + "/jobs/" + job_id, timeout=10).json()
        if job["status"] == "running" and job["progress"] > 0.1:
            break
        time.sleep(0.05)
    r = requests.post(up.urls["training-orchestrator"] + f"/jobs/{job_id}/cancel", timeout=10)
    assert r.status_code in (200, 202), r.text
    assert wait(up, job_id)["status"] == "cancelled"
    time.sleep(1.5)  # the engine notices within a second and stops between rounds
    assert versions(up, model) == []
    # The engine is free again: the next job runs.
    assert wait(up, submit(up, model_name=unique("after"), dataset_location="file://demo/churn.csv", cpu_request=1,
                           params={"num_rounds": 5}))["status"] == "succeeded"


def test_the_batch_route_takes_a_large_batch(up):
    model = unique("houses")
    assert wait(up, submit(up, model_name=model, dataset_location="file://demo/house_prices.csv", cpu_request=1,
                           params={"num_rounds": 20}))["status"] == "succeeded"
    house = {"area_sqft": 1500, "bedrooms": 3, "bathrooms": 2, "year_built": 1990, "neighborhood": "riverside",
             "garage": "no", "lot_size_sqft": 4000, "distance_to_center_km": 8.0}
    r = predict(up, {"model": model, "instances": [house] * 20000})
    assert r.status_code == 200, r.text[:200]
    assert len(r.json()["predictions"]) == 20000
