"""Training on a table of a registered data source (table://SOURCE/TABLE) in `chatdb up`."""
import time

import requests


def run_job(up, body, timeout=60):
    base = up.urls["training-orchestrator"]
    job = requests.post(base + "/jobs", json=body, timeout=10).json()
    deadline = time.time() + timeout
    while time.time() < deadline:
        state = requests.get(base + "/jobs/" + job["id"], timeout=5).json()
        if state["status"] in ("succeeded", "failed", "cancelled"):
            return state
        time.sleep(0.2)
    raise AssertionError(f"job {job['id']} did not finish")


def test_trains_on_a_demo_table_and_registers_where_it_came_from(up):
    state = run_job(up, {"model_name": "unit-price", "dataset_location": "table://demo/products",
                         "target": "unit_price", "cpu_request": 1, "params": {"num_rounds": 20}})
    assert state["status"] == "succeeded", state
    assert {"rmse", "mae", "r2"} <= set(state["metrics"])
    version = requests.get(up.urls["model-registry"] + f"/registered-models/unit-price/versions/{state['model_version']}",
                           timeout=5).json()
    assert version["metadata"]["dataset_location"] == "table://demo/products"
    assert version["metadata"]["target"]["name"] == "unit_price"


def test_unknown_table_or_source_fails_with_a_clear_error(up):
    for location, needle in [("table://demo/no_such_table", "no table 'no_such_table'"),
                             ("table://elsewhere/products", "no data source 'elsewhere'")]:
        state = run_job(up, {"model_name": "bad-table", "dataset_location": location, "cpu_request": 1,
                             "max_retries": 0})
        assert state["status"] == "failed"
        assert needle in state["error"]
