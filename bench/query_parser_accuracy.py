#!/usr/bin/env python3
"""Accuracy and latency of the query parser on the public text-to-SQL benchmark.

usage: bench/query_parser_accuracy.py [--chatdb build/chatdb] [--bench DIR] [--verbose]

For each database of the benchmark (geography, restaurants) it runs
`chatdb parse --database sqlite://DB --batch QUESTIONS --timings T`, scores the predictions
with the benchmark's own score.py (strict and lenient, by execution), and reports the share
of questions answered, the accuracy on those answered and the parse latency p50/p99.
"""
import argparse
import importlib.util
import json
import sqlite3
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load_score(bench: Path):
    spec = importlib.util.spec_from_file_location("score", bench / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def percentile(values, p):
    if not values:
        return 0.0
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--chatdb", default=str(ROOT / "build" / "chatdb"))
    ap.add_argument("--bench", default=str(ROOT.parent / "shared" / "benchmarks" / "text2sql"))
    ap.add_argument("--verbose", action="store_true", help="print every answered question that is wrong")
    args = ap.parse_args()
    bench = Path(args.bench)
    score = load_score(bench)
    totals = Counter()
    latencies = []
    rows = []
    for db in ("geography", "restaurants"):
        questions = [json.loads(l) for l in open(bench / f"{db}.jsonl") if l.strip()]
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            (tmp / "q.jsonl").write_text("".join(json.dumps({"id": q["id"], "question": q["question"]}) + "\n" for q in questions))
            with open(tmp / "pred.jsonl", "w") as out:
                subprocess.run([args.chatdb, "parse", "--database", f"sqlite://{bench / (db + '.db')}",
                                "--batch", str(tmp / "q.jsonl"), "--timings", str(tmp / "t.jsonl"),
                                "--data-dir", str(tmp / "data")], stdout=out, stderr=subprocess.DEVNULL, check=True)
            preds = {p["id"]: p["sql"] for p in map(json.loads, open(tmp / "pred.jsonl")) if p}
            latencies += [t["ms"] for t in map(json.loads, open(tmp / "t.jsonl"))]
            official = subprocess.run([sys.executable, str(bench / "score.py"), str(bench / f"{db}.jsonl"),
                                       str(tmp / "pred.jsonl"), str(bench)],
                                      capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
        conn = sqlite3.connect(f"file:{bench / (db + '.db')}?mode=ro", uri=True)
        c = Counter()
        for q in questions:
            sql = preds.get(q["id"])
            c["n"] += 1
            if not sql:
                continue
            c["answered"] += 1
            gold = score.run(conn, q["gold"])
            try:
                pred = score.run(conn, sql)
            except sqlite3.Error:
                pred = None
            strict = pred is not None and Counter(pred) == Counter(gold)
            lenient = strict or (pred is not None and score.lenient_equal(pred, gold))
            c["strict"] += strict
            c["lenient"] += lenient
            if args.verbose and not lenient:
                print(f"WRONG {q['id']}: {q['question']}\n  gold: {q['gold']}\n  pred: {sql}")
        totals.update(c)
        rows.append((db, c, official))
    print("| database | questions | answered | strict | lenient | strict on answered | lenient on answered | score.py |")
    print("|---|---|---|---|---|---|---|---|")
    for db, c, official in rows + [("total", totals, "")]:
        n, a = c["n"], c["answered"]
        print(f"| {db} | {n} | {a} ({100*a/n:.0f}%) | {100*c['strict']/n:.1f}% | {100*c['lenient']/n:.1f}% "
              f"| {100*c['strict']/max(a,1):.1f}% | {100*c['lenient']/max(a,1):.1f}% | {official} |")
    print(f"parse latency over {len(latencies)} questions: p50 {percentile(latencies, 50):.2f} ms, "
          f"p99 {percentile(latencies, 99):.2f} ms")


if __name__ == "__main__":
    main()
