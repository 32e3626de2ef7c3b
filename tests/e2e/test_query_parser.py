"""Black-box tests of the query parser: its HTTP API on `chatdb up` (the demo database), a data
source configured by CHATDB_DATA_SOURCES, bad input, and the `ask` / `parse --batch` commands."""
import json
import sqlite3
import subprocess

import requests

from conftest import chatdb_bin


def qp(up):
    return up.urls["query-parser"]


def test_parse_returns_sql_explanation_confidence_and_tables(up):
    r = requests.post(qp(up) + "/parse", json={"query": "how many customers are in Germany"}, timeout=10)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["sql"] == "SELECT COUNT(*) AS count FROM customers WHERE country = 'Germany'"
    assert body["tables"] == ["customers"]
    assert 0.6 < body["confidence"] <= 1
    assert "Germany" in body["explanation"]
    assert body["database"] == "demo"


def test_query_returns_rows(up):
    r = requests.post(qp(up) + "/api/v1/query", json={"query": "top 3 most expensive products", "database": "demo"},
                      timeout=10)
    assert r.status_code == 200, r.text
    body = r.json()
    assert {"name", "unit_price"} <= set(body["columns"])  # the products themselves: every column
    assert body["alternatives"] == [] and "clarification" not in body
    assert body["row_count"] == 3 and len(body["rows"]) == 3
    assert body["truncated"] is False
    assert body["elapsed_ms"] >= 0
    assert "ORDER BY unit_price DESC, id LIMIT 3" in body["sql"]


def test_databases_and_schema(up):
    dbs = requests.get(qp(up) + "/databases", timeout=10).json()["databases"]
    assert [d["name"] for d in dbs] == ["demo"]
    schema = requests.get(qp(up) + "/schema", params={"database": "demo"}, timeout=10).json()
    tables = {t["name"] for t in schema["tables"]}
    assert {"customers", "orders", "order_items", "products", "categories", "suppliers"} <= tables
    assert any(k["table"] == "orders" and k["ref_table"] == "customers" for k in schema["foreign_keys"])
    assert requests.get(qp(up) + "/schema", params={"database": "nowhere"}, timeout=10).status_code == 404


def test_bad_input_gets_problem_json(up):
    cases = [
        ({"query": "list customers", "extra": 1}, 400),
        ({"query": 7}, 400),
        ({}, 400),
        ({"query": ""}, 400),
        ({"query": "list customers", "database": 3}, 400),
        ({"query": "list customers", "database": "nowhere"}, 404),
        ({"query": "q" * 10241}, 413),
        ({"query": "drop table customers"}, 400),
        ({"query": "'; DELETE FROM orders; --"}, 400),
        ({"query": "SELECT * FROM customers; DELETE FROM orders"}, 400),
        ({"query": "what is the revenue per region"}, 400),
    ]
    for body, status in cases:
        for path in ("/parse", "/query"):
            r = requests.post(qp(up) + path, json=body, timeout=10)
            assert r.status_code == status, (path, body if len(str(body)) < 80 else "long", r.text)
            assert r.headers["Content-Type"].startswith("application/problem+json")
            assert r.json()["detail"]
    r = requests.post(qp(up) + "/query", data="not json", headers={"Content-Type": "application/json"}, timeout=10)
    assert r.status_code == 400
    r = requests.post(qp(up) + "/query", data="x", headers={"Content-Type": "text/plain"}, timeout=10)
    assert r.status_code == 415


def test_abstention_says_what_is_closest(up):
    r = requests.post(qp(up) + "/parse", json={"query": "what is the headcount per region"}, timeout=10)
    assert r.status_code == 400
    assert "'headcount'" in r.json()["detail"] and "closest" in r.json()["detail"]


def test_tied_readings_ask_which_is_meant(up):
    for route in ("/parse", "/query"):
        r = requests.post(qp(up) + route, json={"query": "what is the average unit price"}, timeout=10)
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["sql"] is None and "unit price" in body["clarification"]
        tables = sorted(a["sql"].split(" FROM ")[1] for a in body["alternatives"])
        assert tables == ["order_items", "products"]
        assert all(a["explanation"] and a["confidence"] < 0.62 for a in body["alternatives"])
        assert "rows" not in body or body["rows"] == []


def test_sql_typed_as_a_question_runs_only_if_it_is_one_select(up):
    ok = requests.post(qp(up) + "/query", json={"query": "SELECT COUNT(*) FROM orders"}, timeout=10)
    assert ok.status_code == 200 and ok.json()["backend"] == "sql"
    before = ok.json()["rows"][0][0]
    for sql in ["DELETE FROM orders", "WITH d AS (DELETE FROM orders RETURNING *) SELECT * FROM d",
                "SELECT 1; DELETE FROM orders", "PRAGMA query_only = 0"]:
        r = requests.post(qp(up) + "/query", json={"query": sql}, timeout=10)
        assert r.status_code == 400, (sql, r.text)
    after = requests.post(qp(up) + "/query", json={"query": "SELECT COUNT(*) FROM orders"}, timeout=10).json()
    assert after["rows"][0][0] == before


def test_a_query_past_its_deadline_is_a_504_problem(up):
    """Issue 16: a query that runs too long answers 504 (not 500 or 400), as problem+json, within
    about the query deadline (5 s), and the service goes on answering."""
    endless = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT COUNT(*) FROM c"
    r = requests.post(qp(up) + "/query", json={"query": endless}, timeout=30)
    assert r.status_code == 504, r.text
    assert r.headers["Content-Type"] == "application/problem+json"
    assert r.elapsed.total_seconds() < 15
    assert "ran longer than" in r.json()["detail"]
    ok = requests.post(qp(up) + "/query", json={"query": "SELECT COUNT(*) FROM orders"}, timeout=10)
    assert ok.status_code == 200, ok.text


def test_metrics_count_questions(up):
    requests.post(qp(up) + "/parse", json={"query": "how many orders are there"}, timeout=10)
    text = requests.get(qp(up) + "/metrics", timeout=10).text
    assert 'chatdb_questions_total{route="/parse",database="demo",outcome="answered"}' in text


def write_fleet(path):
    db = sqlite3.connect(path)
    db.executescript("""
        CREATE TABLE aircraft (tail_number TEXT PRIMARY KEY, model TEXT NOT NULL, seats INTEGER NOT NULL);
        CREATE TABLE flight (flight_id INTEGER PRIMARY KEY, tail_number TEXT REFERENCES aircraft(tail_number),
                             origin TEXT NOT NULL, destination TEXT NOT NULL, departs_on DATE NOT NULL);
        INSERT INTO aircraft VALUES ('CS-TOA', 'A320', 174), ('CS-TOB', 'A330', 269), ('CS-TOC', 'E190', 106);
        INSERT INTO flight VALUES (1, 'CS-TOA', 'Lisbon', 'Porto', '2024-05-01'),
                                  (2, 'CS-TOB', 'Lisbon', 'Boston', '2024-05-02'),
                                  (3, 'CS-TOA', 'Porto', 'Madrid', '2024-06-03');
    """)
    db.commit()
    db.close()


def test_configured_data_source(start, tmp_path):
    path = tmp_path / "fleet.db"
    write_fleet(path)
    running = start("query-parser", {"CHATDB_DATA_SOURCES": json.dumps({"fleet": f"sqlite://{path}"}),
                                     "KAFKA_BOOTSTRAP_SERVERS": "local://"})
    running.wait_ready()
    url = running.urls["query-parser"]
    names = [d["name"] for d in requests.get(url + "/databases", timeout=10).json()["databases"]]
    assert "fleet" in names
    r = requests.post(url + "/query", json={"query": "how many flights from Lisbon", "database": "fleet"}, timeout=10)
    assert r.status_code == 200, r.text
    assert r.json()["rows"] == [[2]]
    r = requests.post(url + "/query", json={"query": "which aircraft has the most seats", "database": "fleet"}, timeout=10)
    assert r.status_code == 200, r.text
    assert r.json()["rows"][0][0] == "CS-TOB"


def test_invalid_data_sources_stop_start_up(tmp_path):
    env = {"CHATDB_DATA_SOURCES": "{not json", "CHATDB_DATA_DIR": str(tmp_path)}
    p = subprocess.run([chatdb_bin(), "serve", "query-parser"], env=env, capture_output=True, text=True, timeout=20)
    assert p.returncode == 2
    assert "CHATDB_DATA_SOURCES" in p.stderr


def test_ask_prints_sql_and_rows(tmp_path):
    path = tmp_path / "fleet.db"
    write_fleet(path)
    p = subprocess.run([chatdb_bin(), "ask", "flights to Boston", "--database", f"sqlite://{path}",
                        "--data-dir", str(tmp_path / "data")], capture_output=True, text=True, timeout=30)
    assert p.returncode == 0, p.stderr
    assert "destination = 'Boston'" in p.stdout
    assert "(1 row" in p.stdout
    bad = subprocess.run([chatdb_bin(), "ask", "what is the weather", "--database", f"sqlite://{path}",
                          "--data-dir", str(tmp_path / "data")], capture_output=True, text=True, timeout=30)
    assert bad.returncode == 1 and bad.stderr


def test_parse_batch_writes_one_line_per_question(tmp_path):
    path = tmp_path / "fleet.db"
    write_fleet(path)
    batch = tmp_path / "q.jsonl"
    batch.write_text("\n".join(json.dumps(q) for q in [
        {"id": "a", "question": "how many aircraft are there"},
        {"id": "b", "question": "what is the weather like"},
        {"id": 3, "question": "flights that depart in June 2024"},
    ]) + "\n")
    p = subprocess.run([chatdb_bin(), "parse", "--database", f"sqlite://{path}", "--batch", str(batch),
                        "--data-dir", str(tmp_path / "data")], capture_output=True, text=True, timeout=30)
    assert p.returncode == 0, p.stderr
    lines = [json.loads(l) for l in p.stdout.splitlines()]
    assert [l["id"] for l in lines] == ["a", "b", 3]
    assert lines[0]["sql"] == "SELECT COUNT(*) AS count FROM aircraft"
    assert lines[1]["sql"] is None
    assert "2024-06-01" in lines[2]["sql"]
