"""The guide's end-to-end query processing: a question in plain language becomes validated,
read-only SQL, which runs and comes back as columns and rows, formatted for the reader."""
import requests


def query(chatdb, question, **extra):
    r = requests.post(chatdb.url("query-parser", "/api/v1/query"), json={"query": question, **extra}, timeout=15)
    return r


def test_the_demo_database_is_registered_with_its_schema(chatdb):
    databases = requests.get(chatdb.url("query-parser", "/databases"), timeout=5).json()["databases"]
    default = [d for d in databases if d.get("default")]
    assert len(default) == 1, databases
    schema = requests.get(chatdb.url("query-parser", "/schema"), timeout=5).json()
    tables = {t["name"] for t in schema["tables"]}
    assert {"customers", "orders"} <= tables, tables


def test_question_to_sql_to_rows(chatdb):
    parsed = requests.post(chatdb.url("query-parser", "/parse"), json={"query": "how many customers are there"},
                           timeout=10)
    assert parsed.status_code == 200, parsed.text
    sql = parsed.json()["sql"]
    assert sql.upper().startswith("SELECT") and "customers" in sql

    answer = query(chatdb, "how many customers are there")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["sql"] == sql, "/query runs the SQL that /parse shows"
    assert body["columns"] == ["count"]
    assert body["row_count"] == len(body["rows"]) == 1
    total = body["rows"][0][0]
    assert isinstance(total, int) and total > 0


def test_grouped_answer_is_consistent_with_the_total(chatdb):
    """Counts per country add up to the total count: the rows are the database's, not made up."""
    total = query(chatdb, "how many customers are there").json()["rows"][0][0]
    grouped = query(chatdb, "how many customers are in each country").json()
    assert len(grouped["columns"]) == 2
    assert all(len(row) == 2 for row in grouped["rows"])
    assert grouped["row_count"] == len(grouped["rows"]) and not grouped["truncated"]
    assert sum(row[1] for row in grouped["rows"]) == total
    counts = [row[1] for row in grouped["rows"]]
    assert counts == sorted(counts, reverse=True), "ordered from highest to lowest, as the explanation says"
    assert grouped["explanation"]


def test_filtered_answer_obeys_its_condition(chatdb):
    body = query(chatdb, "products that cost more than 100").json()
    assert body["row_count"] > 0
    sql = body["sql"]
    assert "100" in sql and "WHERE" in sql.upper()
    everything = query(chatdb, "how many products are there").json()["rows"][0][0]
    assert body["row_count"] < everything


def test_formatted_result_as_a_text_table(chatdb):
    """The answer carries what a client needs to print a table: a header per column and rows of
    the same width, with the SQL and a plain-language explanation beside it."""
    body = query(chatdb, "number of orders per status").json()
    width = len(body["columns"])
    assert width >= 2 and all(len(r) == width for r in body["rows"])
    lines = format_table(body["columns"], body["rows"])
    assert lines[0].split() == body["columns"]
    assert len(lines) == 2 + len(body["rows"])
    assert len({len(line) for line in lines}) == 1, "every line of the table has the same width"
    assert isinstance(body["explanation"], str) and body["explanation"]


def format_table(columns, rows):
    cells = [list(map(str, columns))] + [[str(v) for v in r] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(columns))]
    fmt = lambda row: "  ".join(v.ljust(w) for v, w in zip(row, widths))
    return [fmt(cells[0]), "  ".join("-" * w for w in widths)] + [fmt(r) for r in cells[1:]]


def test_a_question_that_would_write_is_refused_and_changes_nothing(chatdb):
    before = query(chatdb, "how many customers are there").json()["rows"][0][0]
    r = query(chatdb, "delete all customers; DROP TABLE customers")
    assert 400 <= r.status_code < 500, r.text
    assert r.headers["Content-Type"].startswith("application/problem+json")
    assert query(chatdb, "how many customers are there").json()["rows"][0][0] == before


def test_an_unanswerable_question_gets_a_clear_400(chatdb):
    r = query(chatdb, "what is the revenue per region")
    assert r.status_code == 400
    assert r.json()["detail"]
