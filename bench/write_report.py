#!/usr/bin/env python3
"""Turns bench/run.sh's results (JSON lines) into docs/BENCHMARKS.md.

  write_report.py --results=results.jsonl --machine=machine.txt --out=FILE
                  [--analysis=bench/analysis.md] [--check]

--check fails (exit 1) unless every expected measurement is there, well
formed and positive, with no failed calls: the smoke test's assertion.
Python standard library only.
"""

import argparse
import json
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# Targets of issue 7, as (key, text, comparison, threshold).
TARGETS = [
    ("ingest", "ingest throughput / store limit", ">=", 0.5),
    ("uncached", "uncached report p50 / echo p50 (1 caller)", "<=", 3.0),
    ("cached", "cached report throughput / echo throughput (best of callers)",
     ">=", 0.5),
    ("sql", "plain SQL report p50 / uncached service report p50 (the same "
     "reports)", ">=", 100.0),
]


def load(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as e:
                raise SystemExit(f"{path}:{number}: not JSON: {e}")
    return rows


def sizes_in_order(rows):
    seen = []
    for r in rows:
        if r.get("size") not in seen and "size" in r:
            seen.append(r["size"])
    return seen


def pick(rows, size, name, **match):
    return [r for r in rows if r.get("size") == size and r["name"] == name
            and all(r.get(k) == v for k, v in match.items())]


def one(rows, size, name, **match):
    found = pick(rows, size, name, **match)
    return found[0] if found else None


def fmt(x, digits=3):
    if x is None:
        return "n/a"
    if isinstance(x, float):
        if x == 0:
            return "0"
        if abs(x) >= 1000:
            return f"{x:,.0f}"
        return f"{x:.{digits}g}"
    if isinstance(x, int):
        return f"{x:,}"
    return str(x)


def ratios(rows, size):
    """The target ratios at one size: {key: (value, detail)}."""
    out = {}
    store = one(rows, size, "store_limit")
    ingest = one(rows, size, "ingest", into="empty")
    if store and ingest and store["per_second"] > 0:
        out["ingest"] = (ingest["per_second"] / store["per_second"],
                         f"{fmt(ingest['per_second'])} vs "
                         f"{fmt(store['per_second'])} records/s")
    echo1 = one(rows, size, "echo", callers=1)
    cold1 = one(rows, size, "report", cache="cold", callers=1)
    if echo1 and cold1 and echo1["p50_ms"] > 0:
        out["uncached"] = (cold1["p50_ms"] / echo1["p50_ms"],
                           f"{fmt(cold1['p50_ms'])} vs "
                           f"{fmt(echo1['p50_ms'])} ms")
    warm = pick(rows, size, "report", cache="warm")
    echo = pick(rows, size, "echo")
    if warm and echo:
        best_warm = max(warm, key=lambda r: r["per_second"])
        best_echo = max(echo, key=lambda r: r["per_second"])
        if best_echo["per_second"] > 0:
            out["cached"] = (
                best_warm["per_second"] / best_echo["per_second"],
                f"{fmt(best_warm['per_second'])}/s at "
                f"{best_warm['callers']} callers vs "
                f"{fmt(best_echo['per_second'])}/s at "
                f"{best_echo['callers']} callers")
    sql = one(rows, size, "sql_report")
    same = one(rows, size, "report_same_as_sql")
    if sql and same and same["p50_ms"] > 0:
        out["sql"] = (sql["p50_ms"] / same["p50_ms"],
                      f"{fmt(sql['p50_ms'])} vs {fmt(same['p50_ms'])} ms")
    return out


def met(value, comparison, threshold):
    return value >= threshold if comparison == ">=" else value <= threshold


def render(rows, machine, analysis):
    sizes = sizes_in_order(rows)
    md = []
    w = md.append
    w("# Benchmarks")
    w("")
    w("Written by `bench/run.sh` (do not edit by hand: the analysis at the "
      "end comes from `bench/analysis.md`). Sizes in this run: "
      + ", ".join(sizes) + ". How each figure is obtained is described "
      "under [Method](#method).")
    w("")
    w("## Machine")
    w("")
    for line in machine:
        w(f"- {line}")
    w("")

    w("## Targets")
    w("")
    w("| target | size | measured | ratio | goal | met |")
    w("|---|---|---|---|---|---|")
    for key, text, comparison, threshold in TARGETS:
        for size in sizes:
            r = ratios(rows, size).get(key)
            if r is None:
                continue
            value, detail = r
            goal = f"{comparison} {fmt(threshold)}"
            if key == "sql":
                goal += " (at 10m)"
            verdict = "yes" if met(value, comparison, threshold) else "NO"
            if key == "sql" and size != "10m":
                verdict = f"({verdict.lower()}; the goal is for 10m)"
            w(f"| {text} | {size} | {detail} | {value:.3g} | {goal} | "
              f"{verdict} |")
    w("")

    w("## Ingest")
    w("")
    w("One `Ingest` stream (one transaction) per row, messages of 1,000 "
      "records; the store limit is the same records upserted in-process.")
    w("")
    w("| size | what | store before | records | inserted | updated | "
      "seconds | records/s |")
    w("|---|---|---|---|---|---|---|---|")
    for size in sizes:
        s = one(rows, size, "store_limit")
        if s:
            w(f"| {size} | store limit (SqliteIngestStore, no RPC) | 0 | "
              f"{fmt(s['records'])} | {fmt(s['inserted'])} | "
              f"{fmt(s['updated'])} | {fmt(s['seconds'])} | "
              f"{fmt(s['per_second'])} |")
        for r in pick(rows, size, "ingest"):
            label = {"empty": "ingest service, empty store",
                     "big": "ingest service, loaded store",
                     "during_queries": "ingest service, while 8 callers "
                     "ask for reports"}.get(r["into"], r["into"])
            w(f"| {size} | {label} | {fmt(r['store_before'])} | "
              f"{fmt(r['records'])} | {fmt(r['inserted'])} | "
              f"{fmt(r['updated'])} | {fmt(r['seconds'])} | "
              f"{fmt(r['per_second'])} |")
    w("")

    w("## Query latency and throughput")
    w("")
    w("Closed loop: each caller sends its next call when the previous one "
      "returns. Latencies in ms; calls/s = successful calls / wall time.")
    w("")
    w("| size | call | cache | callers | calls | errors | p50 | p90 | p99 | "
      "max | calls/s |")
    w("|---|---|---|---|---|---|---|---|---|---|---|")
    names = {"echo": "echo (gRPC baseline)",
             "report": "GetMarketReport (gateway)",
             "series": "GetSeries (via gateway)",
             "partners": "GetPartnerBreakdown (via gateway)",
             "report_during_ingest": "GetMarketReport during 1M ingest"}
    for size in sizes:
        for name in ["echo", "report", "series", "partners",
                     "report_during_ingest"]:
            for r in pick(rows, size, name):
                cache = r.get("cache", "-") if name != "echo" else "-"
                w(f"| {size} | {names[name]} | {cache} | {r['callers']} | "
                  f"{fmt(r['calls'])} | {fmt(r['errors'])} | "
                  f"{fmt(r['p50_ms'])} | {fmt(r['p90_ms'])} | "
                  f"{fmt(r['p99_ms'])} | {fmt(r['max_ms'])} | "
                  f"{fmt(r['per_second'])} |")
    errors = [r for r in rows if r.get("errors") and r.get("first_error")]
    if errors:
        w("")
        w("First errors seen:")
        w("")
        for r in errors:
            w(f"- {r['size']} {r['name']} {r.get('cache', '')} "
              f"{r.get('callers', '')} callers: `{r['first_error']}`")
    w("")

    w("## Plain SQL baseline")
    w("")
    w("| size | reports | plain SQL p50 ms | plain SQL max ms | service p50 ms "
      "(same reports, uncached) | agrees with the service |")
    w("|---|---|---|---|---|---|")
    for size in sizes:
        s = one(rows, size, "sql_report")
        c = one(rows, size, "sql_check")
        same = one(rows, size, "report_same_as_sql")
        if not s:
            continue
        agree = "n/a"
        if c:
            agree = (f"{c['compared'] - c['mismatched']} of {c['compared']}")
            if c["mismatched"]:
                agree += f" (first difference: {c['first_difference']})"
        w(f"| {size} | {s['calls']} | {fmt(s['p50_ms'])} | "
          f"{fmt(s['max_ms'])} | {fmt(same['p50_ms']) if same else 'n/a'} | "
          f"{agree} |")
    w("")

    w("## Peak memory")
    w("")
    w("Peak resident set (VmHWM) of each process at the end of the size's "
      "run (after all its ingests and queries), and the store file's size.")
    w("")
    services = ["ingest_service", "query_service", "gateway", "echo"]
    w("| size | " + " | ".join(f"{s} MiB" for s in services) +
      " | store file MiB |")
    w("|---|" + "---|" * (len(services) + 1))
    for size in sizes:
        cells = []
        for s in services:
            r = one(rows, size, "rss", service=s)
            cells.append(fmt(r["vmhwm_kb"] / 1024.0) if r else "n/a")
        d = one(rows, size, "db_size")
        cells.append(fmt(d["bytes"] / 1048576.0) if d else "n/a")
        w(f"| {size} | " + " | ".join(cells) + " |")
    w("")

    with open(os.path.join(HERE, "method.md"), encoding="utf-8") as f:
        w(f.read().rstrip())
    w("")
    if analysis:
        w(analysis.rstrip())
        w("")
    return "\n".join(md)


def check(rows):
    """Problems that make a run's figures unusable."""
    problems = []
    sizes = sizes_in_order(rows)
    if not sizes:
        return ["no results"]
    for size in sizes:
        expected = [("store_limit", {}), ("ingest", {"into": "empty"}),
                    ("ingest", {"into": "big"}),
                    ("ingest", {"into": "during_queries"}),
                    ("echo", {}), ("report", {"cache": "cold"}),
                    ("report", {"cache": "warm"}),
                    ("series", {"cache": "cold"}),
                    ("series", {"cache": "warm"}),
                    ("partners", {"cache": "cold"}),
                    ("partners", {"cache": "warm"}),
                    ("sql_report", {}), ("sql_check", {}),
                    ("report_same_as_sql", {}),
                    ("report_during_ingest", {}),
                    ("rss", {"service": "ingest_service"}),
                    ("rss", {"service": "query_service"}),
                    ("rss", {"service": "gateway"}), ("db_size", {})]
        for name, match in expected:
            if not pick(rows, size, name, **match):
                problems.append(f"{size}: no {name} {match}")
    positive = ["seconds", "per_second", "records", "calls", "p50_ms",
                "p90_ms", "p99_ms", "max_ms", "vmhwm_kb", "bytes",
                "compared"]
    for r in rows:
        where = f"{r.get('size')} {r['name']} {r.get('cache', '')} " \
                f"{r.get('callers', '')}".strip()
        for key in positive:
            if key in r:
                v = r[key]
                if not isinstance(v, (int, float)) or isinstance(v, bool) \
                        or not math.isfinite(v) or v <= 0:
                    problems.append(f"{where}: {key} = {v!r}, want > 0")
        if r.get("errors"):
            problems.append(f"{where}: {r['errors']} failed calls, first: "
                            f"{r.get('first_error')}")
        if r.get("rejected"):
            problems.append(f"{where}: {r['rejected']} records rejected")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", required=True)
    parser.add_argument("--machine", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--analysis",
                        default=os.path.join(HERE, "analysis.md"))
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()

    rows = load(args.results)
    with open(args.machine, encoding="utf-8") as f:
        machine = [line.rstrip() for line in f if line.strip()]
    analysis = ""
    if args.analysis and os.path.exists(args.analysis):
        with open(args.analysis, encoding="utf-8") as f:
            analysis = f.read()
    text = render(rows, machine, analysis)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(text + "\n")
    if args.check:
        problems = check(rows)
        for p in problems:
            print(f"write_report.py: {p}", file=sys.stderr)
        if problems:
            return 1
        if not os.path.getsize(args.out):
            print("write_report.py: empty report", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
