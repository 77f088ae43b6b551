#!/usr/bin/env python3
"""The DuckDB side of `scripts/bench flows` and `scripts/flows-check`: the same events, the same definition as SQL.

Loads the event CSV into an in-memory DuckDB table `events(sub UBIGINT, day DATE, country VARCHAR, cnt UINTEGER)`
(timed: the load), then runs each query printed by `caravan flows sql` on the loaded table (timed: the analysis)
and prints each class's count, so the caller can require them equal to the Swift engine's.

* The CSV is read with the column types given (no sniffing), DuckDB's parallel reader on --threads threads.
* A query's time is the execution plus fetching its four rows; one run each, like ours (no warm-up: ours is not
  warmed up either, and both read from the page cache).
* Memory: the peak resident size of this process (getrusage), Python's interpreter included (~30 MB).

Output: `name: value` lines on stdout and, with --out, the same as JSON.
"""

import argparse
import json
import resource
import sys
import time

import duckdb

CLASSES = ("never-left", "departed", "returned", "other")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--csv", required=True, help="events CSV: sub,day,country,cnt")
    parser.add_argument("--sql", action="append", required=True, metavar="NAME=FILE",
                        help="a query from `caravan flows sql`, under a name (repeatable)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", help="write the figures as JSON here")
    args = parser.parse_args()

    queries = []
    for item in args.sql:
        name, _, path = item.partition("=")
        if not path:
            parser.error(f"--sql wants NAME=FILE, got {item!r}")
        with open(path, encoding="utf-8") as handle:
            queries.append((name, handle.read()))

    connection = duckdb.connect(":memory:", config={"threads": args.threads})
    started = time.perf_counter()
    connection.execute(
        "CREATE TABLE events AS SELECT * FROM read_csv(?, header = true, auto_detect = false, "
        "columns = {'sub': 'UBIGINT', 'day': 'DATE', 'country': 'VARCHAR', 'cnt': 'UINTEGER'}, dateformat = '%Y-%m-%d')",
        [args.csv],
    )
    load_s = time.perf_counter() - started
    rows = connection.execute("SELECT count(*) FROM events").fetchone()[0]

    results = {"duckdb_version": duckdb.__version__, "threads": args.threads, "rows": rows,
               "load_s": round(load_s, 3), "queries": {}}
    print(f"duckdb_version: {duckdb.__version__}")
    print(f"duckdb_rows: {rows}")
    print(f"duckdb_load_s: {load_s:.3f}")
    for name, sql in queries:
        started = time.perf_counter()
        answer = connection.execute(sql).fetchall()
        query_s = time.perf_counter() - started
        counts = {label: 0 for label in CLASSES}
        for label, count in answer:
            if label not in counts:
                sys.exit(f"duckdb_flows: the query answered an unknown class {label!r}")
            counts[label] = int(count)
        results["queries"][name] = {"query_s": round(query_s, 3), "counts": counts}
        print(f"duckdb_{name}_query_s: {query_s:.3f}")
        for label in CLASSES:
            print(f"duckdb_{name}_{label}: {counts[label]}")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    results["peak_rss_mb"] = round(peak_mb, 1)
    print(f"duckdb_peak_rss_mb: {peak_mb:.1f}")
    if args.out:
        with open(args.out, "w", encoding="utf-8") as handle:
            json.dump(results, handle, indent=2)


if __name__ == "__main__":
    main()
