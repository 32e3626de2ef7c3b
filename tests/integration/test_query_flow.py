"""The guide's `pytest tests/integration/test_query_flow.py`: the question flow of the load test
("Show me all customers") end to end. The question is parsed to read-only SQL, the same SQL runs
and returns every customer, the rows agree with a count and with a filtered question, and the
same flow answers under /api/v1 (the ingress paths) as on the bare paths."""
import requests


def post(chatdb, path, question, **extra):
    return requests.post(chatdb.url("query-parser", path), json={"query": question, **extra}, timeout=15)


def test_show_me_all_customers_parses_to_a_select_of_the_customers_table(chatdb):
    r = post(chatdb, "/parse", "Show me all customers")
    assert r.status_code == 200, r.text
    sql = r.json()["sql"]
    assert sql.upper().startswith("SELECT") and "customers" in sql
    for verb in ("INSERT", "UPDATE", "DELETE", "DROP"):
        assert verb not in sql.upper()


def test_show_me_all_customers_returns_every_customer(chatdb):
    answer = post(chatdb, "/query", "Show me all customers")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    parsed = post(chatdb, "/parse", "Show me all customers").json()
    assert body["sql"] == parsed["sql"], "/query runs what /parse shows"
    assert "name" in body["columns"]
    assert all(len(row) == len(body["columns"]) for row in body["rows"])
    total = post(chatdb, "/query", "how many customers are there").json()["rows"][0][0]
    if not body["truncated"]:
        assert body["row_count"] == len(body["rows"]) == total
    else:
        assert 0 < len(body["rows"]) <= total
    ids = [row[body["columns"].index("id")] for row in body["rows"]] if "id" in body["columns"] else []
    assert len(ids) == len(set(ids)), "each customer once"


def test_a_filtered_question_returns_a_subset_of_all_customers(chatdb):
    everyone = post(chatdb, "/query", "Show me all customers").json()
    grouped = post(chatdb, "/query", "how many customers are in each country").json()
    country, count = grouped["rows"][0]
    some = post(chatdb, "/query", f"customers in {country}").json()
    assert some["row_count"] == count, some["sql"]
    if "country" in some["columns"]:
        col = some["columns"].index("country")
        assert {row[col] for row in some["rows"]} == {country}
    assert some["row_count"] <= everyone["row_count"] or everyone["truncated"]


def test_the_flow_answers_under_the_ingress_prefix(chatdb):
    bare = post(chatdb, "/parse", "Show me all customers").json()
    prefixed = post(chatdb, "/api/v1/parse", "Show me all customers")
    assert prefixed.status_code == 200, prefixed.text
    assert prefixed.json()["sql"] == bare["sql"]
