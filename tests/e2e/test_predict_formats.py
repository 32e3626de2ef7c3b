"""POST /predict in MLflow's scoring layouts against `chatdb up`: every layout of the same rows
gives the same answer, bad input in each gets a 400 problem+json, and predictions without a
version follow the registry's changes (a new version, a deleted one) through the bus."""
import time

import requests

from test_ml_pipeline import CUSTOMER, submit, unique, wait

LOYAL = dict(CUSTOMER, tenure_months=70, contract="two-year", support_calls=0, internet_service="none",
             monthly_charges=25.0, senior_citizen=0)


def trained(up, model):
    job = wait(up, submit(up, model_name=model, dataset_location="file://demo/churn.csv", cpu_request=1,
                          params={"num_rounds": 10}))
    assert job["status"] == "succeeded", job
    return job["model_version"]


def post(up, body=None, data=None, content_type="application/json", params=None):
    if body is not None:
        return requests.post(up.urls["ml-engine"] + "/predict", json=body, params=params, timeout=60)
    return requests.post(up.urls["ml-engine"] + "/predict", data=data, params=params, timeout=60,
                         headers={"Content-Type": content_type})


def test_every_scoring_layout_gives_the_same_answer(up):
    model = unique("formats")
    trained(up, model)
    rows = [CUSTOMER, LOYAL]
    columns = list(CUSTOMER)
    expected = post(up, {"model": model, "instances": rows})
    assert expected.status_code == 200, expected.text
    expected = expected.json()
    assert expected["predictions"] == ["yes", "no"]

    def csv_field(v):
        return "" if v is None else str(v)
    csv = ",".join(reversed(columns)) + "\n" + "".join(
        ",".join(csv_field(r[c]) for c in reversed(columns)) + "\n" for r in rows)
    answers = {
        "dataframe_split": post(up, {"model": model, "version": 1, "dataframe_split": {
            "columns": columns, "data": [[r[c] for c in columns] for r in rows]}}),
        "dataframe_records": post(up, {"model": model, "dataframe_records": rows}),
        "inputs (columns)": post(up, {"model": model, "inputs": {c: [r[c] for r in rows] for c in columns}}),
        "inputs (records)": post(up, {"model": model, "inputs": rows}),
        "text/csv": post(up, data=csv, content_type="text/csv", params={"model": model, "version": "1"}),
    }
    for layout, r in answers.items():
        assert r.status_code == 200, (layout, r.text)
        out = r.json()
        assert out["predictions"] == expected["predictions"], layout
        assert out["classes"] == ["no", "yes"] and out["version"] == 1 and out["model"] == model, layout
        for got, want in zip(out["probabilities"], expected["probabilities"]):
            assert abs(got[0] - want[0]) < 1e-6 and abs(got[1] - want[1]) < 1e-6, layout


def test_bad_input_in_every_layout_is_a_400_problem(up):
    model = unique("badformats")
    trained(up, model)
    columns = list(CUSTOMER)
    cases = [
        (post(up, data="{\"model\": \"%s\", \"instances\": [" % model), "not valid JSON"),
        (post(up, {"model": model, "dataframe_split": {"columns": columns, "data": [[1, 2]]}}),
         "row 0 of dataframe_split.data must be an array of 8 values"),
        (post(up, {"model": model, "dataframe_split": {"columns": columns[:-1], "data": [[None] * 7]}}),
         "missing feature 'total_charges'"),
        (post(up, {"model": model, "dataframe_records": [dict(CUSTOMER, tenure_months="long")]}),
         "instance 0: feature 'tenure_months' is numeric"),
        (post(up, {"model": model, "inputs": {"tenure_months": [1, 2], "contract": ["one-year"]}}),
         "same number of values"),
        (post(up, {"model": model, "instances": [CUSTOMER], "inputs": [CUSTOMER]}), "are alternatives"),
        (post(up, data=",".join(columns) + "\nsoon,1,a,b,c,1,0,\n", content_type="text/csv", params={"model": model}),
         "CSV line 2: feature 'tenure_months' is numeric"),
        (post(up, data=",".join(columns) + "\n", content_type="text/csv", params={"model": model}), "holds no rows"),
        (post(up, data="tenure_months\n1\n", content_type="text/csv"), "needs ?model=NAME"),
    ]
    for r, detail in cases:
        assert r.status_code == 400, (detail, r.status_code, r.text)
        assert r.headers["content-type"].startswith("application/problem+json"), detail
        assert detail in r.json()["detail"], (detail, r.json())
    r = post(up, data="<xml/>", content_type="application/xml")
    assert r.status_code == 415 and r.headers["content-type"].startswith("application/problem+json")


def test_without_a_version_predictions_follow_new_and_deleted_versions(up):
    model = unique("follow")
    assert trained(up, model) == 1
    body = {"model": model, "instances": [CUSTOMER]}
    assert post(up, body).json()["version"] == 1  # resolved, and now cached

    def served(request, want_status, want_version=None, within=5):
        """The answer once it is the wanted one, or the last one after `within` seconds: the
        registry's change reaches the engine on the bus, just after the registry answered."""
        deadline = time.time() + within
        while True:
            r = post(up, request)
            ok = r.status_code == want_status and (want_version is None or r.json()["version"] == want_version)
            if ok or time.time() > deadline:
                return r
            time.sleep(0.02)

    assert trained(up, model) == 2
    assert served(body, 200, 2).json()["version"] == 2
    r = requests.delete(up.urls["model-registry"] + f"/registered-models/{model}/versions/2", timeout=10)
    assert r.status_code == 204, r.text
    assert served(body, 200, 1).json()["version"] == 1
    r = served(dict(body, version=2), 404)
    assert r.status_code == 404, r.text
