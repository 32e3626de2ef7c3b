#!/usr/bin/python3
"""Build the frozen `bench/unseen2` databases and verify every gold query.

Usage:  /usr/bin/python3 build.py OUTDIR

For every <db>.sql next to this script, (re)creates OUTDIR/<db>.db (any old
file is deleted first).  Then every question in <db>.jsonl is checked:
  * the record must have id / db / question / gold, with db == <db>;
  * a non-null gold must execute on OUTDIR/<db>.db and return at least one row
    (gold == null marks a question the schema cannot answer).
Exits with status 1 if anything fails, 0 otherwise.  Uses only the standard
library (sqlite3); it never touches ChatDB itself.
"""
import glob
import json
import os
import sqlite3
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def build_db(sql_path, db_path):
    if os.path.exists(db_path):
        os.remove(db_path)
    with open(sql_path, encoding="utf-8") as f:
        script = f.read()
    con = sqlite3.connect(db_path)
    try:
        con.executescript(script)
        con.commit()
    finally:
        con.close()


def check_questions(name, jsonl_path, db_path):
    errors = []
    counts = {"total": 0, "answerable": 0, "unanswerable": 0}
    seen_ids = set()
    con = sqlite3.connect("file:%s?mode=ro" % db_path, uri=True)
    try:
        with open(jsonl_path, encoding="utf-8") as f:
            for lineno, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError as e:
                    errors.append("%s:%d: bad JSON (%s)" % (name, lineno, e))
                    continue
                missing = [k for k in ("id", "db", "question", "gold") if k not in rec]
                if missing:
                    errors.append("%s:%d: missing keys %s" % (name, lineno, missing))
                    continue
                if rec["db"] != name:
                    errors.append("%s: %s has db=%r" % (name, rec["id"], rec["db"]))
                if rec["id"] in seen_ids:
                    errors.append("%s: duplicate id %s" % (name, rec["id"]))
                seen_ids.add(rec["id"])
                counts["total"] += 1
                gold = rec["gold"]
                if gold is None:
                    counts["unanswerable"] += 1
                    continue
                counts["answerable"] += 1
                try:
                    rows = con.execute(gold).fetchall()
                except sqlite3.Error as e:
                    errors.append("%s: %s gold failed: %s\n    %s" % (name, rec["id"], e, gold))
                    continue
                if not rows:
                    errors.append("%s: %s gold returned no rows\n    %s" % (name, rec["id"], gold))
    finally:
        con.close()
    return counts, errors


def main(argv):
    if len(argv) != 2:
        print("usage: %s OUTDIR" % argv[0], file=sys.stderr)
        return 2
    outdir = argv[1]
    os.makedirs(outdir, exist_ok=True)
    sql_files = sorted(glob.glob(os.path.join(HERE, "*.sql")))
    if not sql_files:
        print("no .sql files found next to build.py", file=sys.stderr)
        return 1
    all_errors = []
    for sql_path in sql_files:
        name = os.path.splitext(os.path.basename(sql_path))[0]
        db_path = os.path.join(outdir, name + ".db")
        try:
            build_db(sql_path, db_path)
        except sqlite3.Error as e:
            all_errors.append("%s: building the database failed: %s" % (name, e))
            continue
        con = sqlite3.connect(db_path)
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        con.close()
        jsonl_path = os.path.join(HERE, name + ".jsonl")
        if not os.path.exists(jsonl_path):
            all_errors.append("%s: %s.jsonl is missing" % (name, name))
            continue
        counts, errors = check_questions(name, jsonl_path, db_path)
        all_errors.extend(errors)
        print("%-12s %d tables, %d questions (%d answerable, %d unanswerable), %d problems -> %s" % (
            name, len(tables), counts["total"], counts["answerable"], counts["unanswerable"],
            len(errors), db_path))
    if all_errors:
        print("\nFAILED:", file=sys.stderr)
        for e in all_errors:
            print("  " + e, file=sys.stderr)
        return 1
    print("OK: all gold queries ran and returned rows")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
