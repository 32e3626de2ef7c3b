#!/usr/bin/env python3
"""Accuracy, calibration and latency of the query parser on held-out question sets.

usage: bench/query_parser_accuracy.py [--chatdb build/chatdb] [--bench DIR] [--sets a,b] [--verbose]
                                      [--write-readme]

Sets:
- the public text-to-SQL benchmark in ../shared/benchmarks/text2sql (geography, restaurants);
- the frozen unseen sets in bench/unseen and bench/unseen2 (written blind by someone who had not read the parser;
  `"gold": null` marks a question the database cannot answer, where abstaining is right).

For each set it runs `chatdb parse --database sqlite://DB --batch QUESTIONS --timings T` and
scores each answer by execution (rows equal as multisets, extra columns allowed: the lenient
rule of the benchmark's score.py). It reports the share answered, right when answered
(precision), right overall, the precision of answers at or above each confidence level, and
the parse latency p50/p99. With --write-readme the table replaces the one in bench/README.md.
"""
import argparse
import importlib.util
import json
import re
import sqlite3
import subprocess
import sys
import tempfile
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LEVELS = (0.62, 0.8, 0.9, 1.0)


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


def lenient_equal(pred, gold) -> bool:
    """Same rows as a multiset once some choice of the prediction's columns (one per gold
    column) is kept: score.py's lenient rule, searched column by column instead of over every
    permutation, so that wide answers (every column of an entity) score quickly."""
    if not gold or not pred:
        return not gold and not pred
    if len(pred) != len(gold) or len(pred[0]) < len(gold[0]):
        return False
    key = lambda v: (v is None, isinstance(v, (str, bytes)), v if v is not None else 0)
    column = lambda rows, i: sorted((r[i] for r in rows), key=key)
    candidates = []
    for j in range(len(gold[0])):
        g = column(gold, j)
        candidates.append([i for i in range(len(pred[0])) if column(pred, i) == g])
        if not candidates[-1]:
            return False
    want = Counter(gold)

    def search(j, chosen):
        if j == len(candidates):
            return Counter(tuple(r[i] for i in chosen) for r in pred) == want
        return any(search(j + 1, chosen + [i]) for i in candidates[j] if i not in chosen)
    return search(0, [])


# The blind sets, one directory per round, each written before the parser ever ran on it. The
# held-out sets of each round were chosen before anyone looked; only their totals are read.
UNSEEN_ROUNDS = ("unseen", "unseen2")
HELD_OUT = {"unseen/freightline", "unseen/peopleops", "unseen/plantops",
            "unseen2/hotelstay", "unseen2/matchday", "unseen2/sellerhub"}


def question_sets(bench: Path, unseen_dbs: Path):
    sets = []
    for db in ("geography", "restaurants"):
        sets.append((db, bench / f"{db}.jsonl", bench / f"{db}.db"))
    for round_ in UNSEEN_ROUNDS:
        for jsonl in sorted((ROOT / "bench" / round_).glob("*.jsonl")):
            sets.append((f"{round_}/{jsonl.stem}", jsonl, unseen_dbs / round_ / f"{jsonl.stem}.db"))
    return sets


def total_of(name: str) -> list:
    if "/" not in name:
        return ["public"]
    return [name.split("/")[0], "held out" if name in HELD_OUT else "development"]


def run_set(args, score, name, questions_path, db_path, latencies):
    questions = [json.loads(l) for l in open(questions_path) if l.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "q.jsonl").write_text("".join(json.dumps({"id": q["id"], "question": q["question"]}) + "\n"
                                             for q in questions))
        with open(tmp / "pred.jsonl", "w") as out:
            subprocess.run([args.chatdb, "parse", "--database", f"sqlite://{db_path}", "--batch", str(tmp / "q.jsonl"),
                            "--timings", str(tmp / "t.jsonl"), "--data-dir", str(tmp / "data")],
                           stdout=out, stderr=subprocess.DEVNULL, check=True)
        preds = {p["id"]: p for p in map(json.loads, open(tmp / "pred.jsonl")) if p}
        latencies += [t["ms"] for t in map(json.loads, open(tmp / "t.jsonl"))]
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    c = Counter()
    for q in questions:
        p = preds.get(q["id"], {})
        sql, confidence = p.get("sql"), p.get("confidence", 0)
        c["n"] += 1
        if not sql:
            continue
        c["answered"] += 1
        right = False
        if q["gold"] is not None:
            gold = score.run(conn, q["gold"])
            try:
                pred = score.run(conn, sql)
            except sqlite3.Error:
                pred = None
            right = pred is not None and (Counter(pred) == Counter(gold) or lenient_equal(pred, gold))
        c["right"] += right
        for level in LEVELS:
            if confidence >= level - 1e-9:
                c[f"answered@{level}"] += 1
                c[f"right@{level}"] += right
        if args.verbose and not right:
            print(f"WRONG {q['id']} ({confidence}): {q['question']}\n  gold: {q['gold']}\n  pred: {sql}")
    if args.verbose:
        for q in questions:
            if not preds.get(q["id"], {}).get("sql") and q["gold"] is not None:
                print(f"UNANSWERED {q['id']}: {q['question']}\n  gold: {q['gold']}")
    return c


def demo_latency(args):
    """Parse latency on the demo database, over the questions of its test file."""
    questions = [json.loads(l)["question"] for l in open(ROOT / "tests" / "nl2sql" / "questions" / "demo.jsonl") if l.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "q.jsonl").write_text("".join(json.dumps({"id": i, "question": q}) + "\n" for i, q in enumerate(questions)))
        latencies = []
        for _ in range(5):  # five passes, so the percentiles rest on more than a few dozen parses
            subprocess.run([args.chatdb, "parse", "--batch", str(tmp / "q.jsonl"), "--timings", str(tmp / "t.jsonl"),
                            "--data-dir", str(tmp / "data")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
            latencies += [t["ms"] for t in map(json.loads, open(tmp / "t.jsonl"))]
    return (f"parse latency on the demo database over {len(latencies)} parses: p50 {percentile(latencies, 50):.2f} ms, "
            f"p99 {percentile(latencies, 99):.2f} ms.")


def table(rows, latencies):
    levels = " | ".join(f"precision at >= {l}" for l in LEVELS)
    lines = [f"| set | questions | answered | right overall | precision | {levels} |",
             "|---|---|---|---|---|" + "---|" * len(LEVELS)]
    for name, c in rows:
        n, a = c["n"], c["answered"]
        cal = " | ".join(f"{100 * c[f'right@{l}'] / c[f'answered@{l}']:.0f}% ({c[f'answered@{l}']})"
                         if c[f"answered@{l}"] else "-" for l in LEVELS)
        lines.append(f"| {name} | {n} | {a} ({100 * a / n:.0f}%) | {c['right']} ({100 * c['right'] / n:.0f}%) "
                     f"| {100 * c['right'] / max(a, 1):.1f}% | {cal} |")
    lines.append("")
    lines.append(f"parse latency over {len(latencies)} questions: p50 {percentile(latencies, 50):.2f} ms, "
                 f"p99 {percentile(latencies, 99):.2f} ms.")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--chatdb", default=str(ROOT / "build" / "chatdb"))
    ap.add_argument("--bench", default=str(ROOT.parent / "shared" / "benchmarks" / "text2sql"))
    ap.add_argument("--sets", default="", help="comma-separated set names (default: all)")
    ap.add_argument("--verbose", action="store_true", help="print every answered question that is wrong")
    ap.add_argument("--write-readme", action="store_true", help="replace the table in bench/README.md")
    args = ap.parse_args()
    bench = Path(args.bench)
    score = load_score(bench)
    latencies, rows = [], []
    totals = {k: Counter() for k in ("public", *UNSEEN_ROUNDS, "development", "held out")}
    with tempfile.TemporaryDirectory() as dbs:
        for round_ in UNSEEN_ROUNDS:
            subprocess.run([sys.executable, str(ROOT / "bench" / round_ / "build.py"), str(Path(dbs) / round_)],
                           check=True, stdout=subprocess.DEVNULL)
        wanted = set(filter(None, args.sets.split(",")))
        for name, questions, db in question_sets(bench, Path(dbs)):
            if wanted and name not in wanted and name.split("/")[-1] not in wanted:
                continue
            c = run_set(args, score, name, questions, db, latencies)
            rows.append((name, c))
            for total in total_of(name):
                totals[total].update(c)
    rows += [(f"all {k}", c) for k, c in totals.items() if c["n"]]
    text = table(rows, latencies) + "\n" + demo_latency(args)
    print(text)
    if args.write_readme:
        readme = ROOT / "bench" / "README.md"
        body = f"Measured {date.today().isoformat()} on 2 cores:\n\n{text}\n"
        new = re.sub(r"(<!-- query-parser-accuracy:start -->\n).*?(<!-- query-parser-accuracy:end -->)",
                     lambda m: m.group(1) + body + m.group(2), readme.read_text(), flags=re.S)
        readme.write_text(new)


if __name__ == "__main__":
    main()
