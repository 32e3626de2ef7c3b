"""Metric names: those the C++ sources register, and those PromQL expressions use."""
import os
import re

# Series that Prometheus itself adds to every scrape.
PROMETHEUS_SERIES = {"up", "scrape_duration_seconds", "scrape_samples_scraped",
                     "scrape_samples_post_metric_relabeling", "scrape_series_added"}

PROMQL_KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or",
                   "unless", "offset", "inf", "nan", "atan2"}


def exported_names(src_dir):
    """Metric names registered in the sources: string literals named chatdb_* or process_*,
    plus _bucket/_sum/_count for those registered with histogram(...)."""
    names = set()
    histograms = set()
    for dirpath, _, files in os.walk(src_dir):
        for f in files:
            if not f.endswith((".cpp", ".h", ".hpp", ".cc")):
                continue
            with open(os.path.join(dirpath, f), errors="replace") as fh:
                text = fh.read()
            names |= set(re.findall(r'"((?:chatdb|process)_[a-z0-9_]+)"', text))
            histograms |= set(re.findall(r'histogram\s*\(\s*"([a-z_][a-z0-9_]*)"', text))
    for h in histograms:
        names |= {f"{h}_bucket", f"{h}_sum", f"{h}_count"}
    return names


def promql_metric_names(expr):
    """The metric names an expression selects (a small PromQL reader: strings, label matchers,
    ranges and grouping clauses are removed; a name followed by '(' is a function)."""
    s = re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'', '""', expr)
    s = re.sub(r"\{[^}]*\}", " ", s)
    s = re.sub(r"\[[^\]]*\]", " ", s)
    s = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", s)
    names = set()
    for m in re.finditer(r"(?<![\w.$])([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?", s):
        word, call = m.group(1), m.group(2)
        if call or word.lower() in PROMQL_KEYWORDS:
            continue
        names.add(word)
    return names


def dashboard_exprs(dashboard):
    """Every PromQL expression of a Grafana dashboard (panels, nested rows, templating)."""
    exprs = []

    def walk(panels):
        for p in panels or []:
            exprs.extend(t["expr"] for t in p.get("targets", []) or [] if t.get("expr"))
            walk(p.get("panels"))

    walk(dashboard.get("panels"))
    for var in dashboard.get("templating", {}).get("list", []) or []:
        q = var.get("query")
        if isinstance(q, dict):
            q = q.get("query")
        if isinstance(q, str) and q:
            m = re.fullmatch(r"\s*label_values\(\s*([^,)]+)\s*(?:,[^)]*)?\)\s*", q)
            exprs.append(m.group(1) if m else q)
    return exprs


def unknown_metrics(exprs, exported):
    """Problems for every metric an expression uses that no source exports."""
    problems = []
    for e in exprs:
        for name in sorted(promql_metric_names(e) - exported - PROMETHEUS_SERIES):
            problems.append(f"metric {name} (in `{e.strip()[:90]}`) is not exported by any service")
    return problems
