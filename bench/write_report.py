#!/usr/bin/env python3
"""Turns bench/run.sh's results (JSON lines) into docs/BENCHMARKS.md.

  write_report.py --results=results.jsonl --machine=machine.txt --out=FILE
                  [--analysis=bench/analysis.md] [--earlier=FILE.md] [--check]

Each row belongs to a store kind ("store": sqlite or postgres; rows without
one are sqlite) and a size; the tables name both ("postgres 100k").
--earlier appends an earlier run's report (figures this run did not
repeat), headed as such.

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

# Targets of issue 11, as (key, text, comparison, threshold, unit). Every
# ratio is taken within one run (the same machine load on both sides).
TARGETS = [
    ("uncached", "uncached report p50 / echo p50 (1 caller)", "<=", 3.0, "x"),
    ("cached", "cached report throughput / echo throughput (32 callers)",
     ">=", 0.6, "x"),
    ("cached_p50", "cached report p50 / echo p50 (1 caller)", "<=", 2.0, "x"),
    ("growth", "uncached report p50 at this size / at 100k (1 caller)", "<=",
     1.2, "x"),
    ("uncached_32", "uncached reports/s (32 callers)", ">=", 2000.0, "/s"),
    ("duckdb", "DuckDB report p50 (one SQL statement, the same figures) / "
     "uncached service report p50 (the same reports)", ">=", 100.0, "x"),
    ("ingest", "ingest throughput / raw upsert of the same rows (10k rows "
     "per transaction; sqlite: SQLite, postgres: PostgreSQL)", ">=", 1.0, "x"),
]
# Targets whose goal is for one size only (the others are for every size).
TARGET_SIZE = {"duckdb": "10m"}


def load(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                r = json.loads(line)
            except json.JSONDecodeError as e:
                raise SystemExit(f"{path}:{number}: not JSON: {e}")
            # Every table groups by store and size: "size" becomes both.
            r["store"] = r.get("store", "sqlite")
            if "size" in r:
                r["bare_size"] = r["size"]
                r["size"] = f"{r['store']} {r['size']}"
            rows.append(r)
    return rows


def bare(size):
    """"postgres 100k" -> "100k"."""
    return size.split(" ")[-1]


def store_of(size):
    """"postgres 100k" -> "postgres"."""
    return size.split(" ")[0]


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
    raw = one(rows, size, "raw_insert")
    ingest = one(rows, size, "ingest", into="empty")
    if raw and ingest and raw["per_second"] > 0:
        out["ingest"] = (ingest["per_second"] / raw["per_second"],
                         f"{fmt(ingest['per_second'])} vs "
                         f"{fmt(raw['per_second'])} records/s")
    echo1 = one(rows, size, "echo", callers=1)
    cold1 = one(rows, size, "report", cache="cold", callers=1)
    if echo1 and cold1 and echo1["p50_ms"] > 0:
        out["uncached"] = (cold1["p50_ms"] / echo1["p50_ms"],
                           f"{fmt(cold1['p50_ms'])} vs "
                           f"{fmt(echo1['p50_ms'])} ms")
    warm1 = one(rows, size, "report", cache="warm", callers=1)
    if echo1 and warm1 and echo1["p50_ms"] > 0:
        out["cached_p50"] = (warm1["p50_ms"] / echo1["p50_ms"],
                             f"{fmt(warm1['p50_ms'])} vs "
                             f"{fmt(echo1['p50_ms'])} ms")
    warm32 = one(rows, size, "report", cache="warm", callers=32)
    echo32 = one(rows, size, "echo", callers=32)
    if warm32 and echo32 and echo32["per_second"] > 0:
        out["cached"] = (warm32["per_second"] / echo32["per_second"],
                         f"{fmt(warm32['per_second'])}/s vs "
                         f"{fmt(echo32['per_second'])}/s")
    base = one(rows, f"{store_of(size)} 100k", "report", cache="cold",
               callers=1)
    if cold1 and base and base["p50_ms"] > 0 and bare(size) != "100k":
        out["growth"] = (cold1["p50_ms"] / base["p50_ms"],
                         f"{fmt(cold1['p50_ms'])} vs "
                         f"{fmt(base['p50_ms'])} ms at 100k")
    cold32 = one(rows, size, "report", cache="cold", callers=32)
    if cold32:
        out["uncached_32"] = (cold32["per_second"],
                              f"{fmt(cold32['per_second'])} reports/s")
    duck = one(rows, size, "duckdb_report")
    same = one(rows, size, "report_same_as_sql")
    if duck and same and same["p50_ms"] > 0:
        check = one(rows, size, "duckdb_check")
        agrees = (f"; agrees on {check['compared'] - check['mismatched']} of "
                  f"{check['compared']}" if check else "")
        out["duckdb"] = (duck["p50_ms"] / same["p50_ms"],
                         f"{fmt(duck['p50_ms'])} vs {fmt(same['p50_ms'])} ms"
                         + agrees)
    return out


def met(value, comparison, threshold):
    return value >= threshold if comparison == ">=" else value <= threshold


def side_by_side(rows, sizes):
    """The headline figures of each store, one column per store."""
    stores = []
    for size in sizes:
        if store_of(size) not in stores:
            stores.append(store_of(size))
    md = ["| size | figure | " + " | ".join(stores) + " |",
          "|---|---|" + "---|" * len(stores)]

    def cell(r, key, suffix=""):
        return fmt(r[key]) + suffix if r else "n/a"

    figures = [
        ("ingest records/s (empty store)",
         lambda g: cell(one(rows, g, "ingest", into="empty"), "per_second")),
        ("raw upsert records/s (plain table, 10k rows per transaction)",
         lambda g: cell(one(rows, g, "raw_insert"), "per_second")),
        ("store limit records/s (the service's store class, no RPC)",
         lambda g: cell(one(rows, g, "store_limit"), "per_second")),
        ("ingest / raw upsert",
         lambda g: fmt(ratios(rows, g)["ingest"][0])
         if "ingest" in ratios(rows, g) else "n/a"),
        ("ingest records/s (loaded store)",
         lambda g: cell(one(rows, g, "ingest", into="big"), "per_second")),
        ("echo p50 ms (1 caller)",
         lambda g: cell(one(rows, g, "echo", callers=1), "p50_ms")),
        ("uncached report p50 ms (1 caller)",
         lambda g: cell(one(rows, g, "report", cache="cold", callers=1),
                        "p50_ms")),
        ("uncached report p50 / echo p50",
         lambda g: fmt(ratios(rows, g)["uncached"][0])
         if "uncached" in ratios(rows, g) else "n/a"),
    ]
    for callers in sorted({r["callers"] for r in rows
                           if r["name"] == "report" and "callers" in r}):
        figures.append(
            (f"uncached reports/s ({callers} caller"
             f"{'' if callers == 1 else 's'})",
             lambda g, c=callers: cell(
                 one(rows, g, "report", cache="cold", callers=c),
                 "per_second")))
    figures += [
        ("cached reports/s (best of callers)",
         lambda g: fmt(max(r["per_second"] for r in
                           pick(rows, g, "report", cache="warm")))
         if pick(rows, g, "report", cache="warm") else "n/a"),
        ("cached throughput / echo throughput",
         lambda g: fmt(ratios(rows, g)["cached"][0])
         if "cached" in ratios(rows, g) else "n/a"),
        ("uncached report p50 ms (8 callers) while records are ingested "
         "(how many: Ingest)",
         lambda g: cell(one(rows, g, "report_during_ingest"), "p50_ms")),
    ]
    bare_sizes = []
    for size in sizes:
        if bare(size) not in bare_sizes:
            bare_sizes.append(bare(size))
    for b in bare_sizes:
        for text, get in figures:
            md.append(f"| {b} | {text} | " +
                      " | ".join(get(f"{st} {b}") if f"{st} {b}" in sizes
                                 else "n/a" for st in stores) + " |")
    return md


def render(rows, machine, analysis, earlier=""):
    sizes = sizes_in_order(rows)
    md = []
    w = md.append
    w("# Benchmarks")
    w("")
    w("Written by `bench/run.sh` (do not edit by hand: the analysis at the "
      "end comes from `bench/analysis.md`). Stores and sizes in this run: "
      + ", ".join(sizes) + ". How each figure is obtained is described "
      "under [Method](#method)."
      + (" An earlier run's figures (among them sizes this run did not "
         "repeat) are under [Earlier run](#earlier-run), as that run wrote "
         "them."
         if earlier else ""))
    w("")
    w("## Machine")
    w("")
    for line in machine:
        w(f"- {line}")
    w("")

    if len({store_of(s) for s in sizes}) > 1:
        w("## Stores side by side")
        w("")
        w("The headline figures of each store, from the tables below (same "
          "run, same machine, same data).")
        w("")
        for line in side_by_side(rows, sizes):
            w(line)
        w("")

    w("## Targets")
    w("")
    w("| target | size | measured | ratio | goal | met |")
    w("|---|---|---|---|---|---|")
    for key, text, comparison, threshold, unit in TARGETS:
        for size in sizes:
            r = ratios(rows, size).get(key)
            if r is None:
                continue
            value, detail = r
            goal = f"{comparison} {fmt(threshold)}{unit}"
            only = TARGET_SIZE.get(key)
            if only:
                goal += f" (at {only})"
            verdict = "yes" if met(value, comparison, threshold) else "NO"
            if only and bare(size) != only:
                verdict = f"({verdict.lower()}; the goal is for {only})"
            shown = fmt(value) if unit == "/s" else f"{value:.3g}{unit}"
            w(f"| {text} | {size} | {detail} | {shown} | {goal} | "
              f"{verdict} |")
    w("")

    w("## Ingest")
    w("")
    w("One `Ingest` stream (one transaction) per row, messages of 1,000 "
      "records; the store limit is the same records upserted in-process "
      "through the service's store class; the raw upsert is the same "
      "records written with a plain `INSERT ... ON CONFLICT ... DO UPDATE` "
      "per record, 10,000 per transaction, into a table with only the "
      "records' key (on the same kind of store: a SQLite file, or a "
      "PostgreSQL database).")
    w("")
    w("| size | what | store before | records | inserted | updated | "
      "seconds | records/s |")
    w("|---|---|---|---|---|---|---|---|")
    for size in sizes:
        s = one(rows, size, "store_limit")
        if s:
            cls = {"sqlite": "SqliteIngestStore",
                   "postgres": "PgIngestStore"}.get(store_of(size), "store")
            w(f"| {size} | store limit ({cls}, no RPC) | 0 | "
              f"{fmt(s['records'])} | {fmt(s['inserted'])} | "
              f"{fmt(s['updated'])} | {fmt(s['seconds'])} | "
              f"{fmt(s['per_second'])} |")
        r = one(rows, size, "raw_insert")
        if r:
            w(f"| {size} | raw upsert (plain INSERT ... ON CONFLICT DO "
              f"UPDATE, 10,000 records per transaction, no RPC) | 0 | "
              f"{fmt(r['records'])} | n/a | n/a | {fmt(r['seconds'])} | "
              f"{fmt(r['per_second'])} |")
        for r in pick(rows, size, "ingest"):
            label = {"empty": "ingest service, empty store",
                     "big": "ingest service, loaded store",
                     "during_queries": "ingest service, while 8 callers "
                     "ask for uncached reports"}.get(r["into"], r["into"])
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
             "report_during_ingest": "GetMarketReport during ingest"}
    for size in sizes:
        for name in ["echo", "report", "series", "partners",
                     "report_during_ingest"]:
            for r in pick(rows, size, name):
                cache = r.get("cache", "-") if name != "echo" else "-"
                call = names[name]
                during = one(rows, size, "ingest", into="during_queries")
                if name == "report_during_ingest" and during:
                    call = (f"GetMarketReport during a "
                            f"{fmt(during['records'])}-record ingest")
                w(f"| {size} | {call} | {cache} | {r['callers']} | "
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

    w("## Plain SQL and DuckDB baselines")
    w("")
    w("| size | baseline | reports | p50 ms | max ms | service p50 ms "
      "(same reports, uncached) | agrees with the service |")
    w("|---|---|---|---|---|---|---|")
    for size, (label, report_name, check_name) in [
            (size, pair) for size in sizes for pair in
            [("plain SQL (SQLite, a few statements and code)", "sql_report",
              "sql_check"),
             ("DuckDB (one SQL statement, in memory)", "duckdb_report",
              "duckdb_check")]]:
        s = one(rows, size, report_name)
        c = one(rows, size, check_name)
        same = one(rows, size, "report_same_as_sql")
        if not s:
            continue
        agree = "n/a"
        if c:
            agree = (f"{c['compared'] - c['mismatched']} of {c['compared']}")
            if c["mismatched"]:
                agree += f" (first difference: {c['first_difference']})"
        w(f"| {size} | {label} | {s['calls']} | {fmt(s['p50_ms'])} | "
          f"{fmt(s['max_ms'])} | {fmt(same['p50_ms']) if same else 'n/a'} | "
          f"{agree} |")
    w("")

    w("## Peak memory")
    w("")
    w("Peak resident set (VmHWM) of each process at the end of the size's "
      "run (after all its ingests and queries), and the store's size (the "
      "SQLite file; for PostgreSQL `pg_database_size`; the PostgreSQL "
      "server's own memory is not measured).")
    w("")
    services = ["ingest_service", "query_service", "gateway", "echo"]
    w("| size | " + " | ".join(f"{s} MiB" for s in services) +
      " | store MiB |")
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
    if earlier:
        w("## Earlier run")
        w("")
        w(earlier.rstrip())
        w("")
    return "\n".join(md)


def check(rows):
    """Problems that make a run's figures unusable."""
    problems = []
    sizes = sizes_in_order(rows)
    if not sizes:
        return ["no results"]
    for size in sizes:
        # PostgreSQL has no plain SQL nor DuckDB baseline (both read the
        # SQLite file).
        by_store = [("raw_insert", {})] + (
            [] if store_of(size) == "postgres" else
            [("sql_report", {}), ("sql_check", {}),
             ("report_same_as_sql", {}), ("duckdb_report", {}),
             ("duckdb_check", {})])
        expected = by_store + [("store_limit", {}), ("ingest", {"into": "empty"}),
                    ("ingest", {"into": "big"}),
                    ("ingest", {"into": "during_queries"}),
                    ("echo", {}), ("report", {"cache": "cold"}),
                    ("report", {"cache": "warm"}),
                    ("series", {"cache": "cold"}),
                    ("series", {"cache": "warm"}),
                    ("partners", {"cache": "cold"}),
                    ("partners", {"cache": "warm"}),
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
        if r.get("mismatched"):
            problems.append(f"{where}: {r['mismatched']} reports differ, "
                            f"first: {r.get('first_difference')}")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", required=True)
    parser.add_argument("--machine", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--analysis",
                        default=os.path.join(HERE, "analysis.md"))
    parser.add_argument("--earlier", default="",
                        help="an earlier run's report to append")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()

    rows = load(args.results)
    with open(args.machine, encoding="utf-8") as f:
        machine = [line.rstrip() for line in f if line.strip()]
    analysis = ""
    if args.analysis and os.path.exists(args.analysis):
        with open(args.analysis, encoding="utf-8") as f:
            analysis = f.read()
    earlier = ""
    if args.earlier:
        with open(args.earlier, encoding="utf-8") as f:
            earlier = f.read()
    text = render(rows, machine, analysis, earlier)
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
