#!/usr/bin/env python3
"""Ingests logs into a fresh store and checks reports/*.sql (over request rows) and
reports/daily/*.sql (over the daily tables only), run unchanged by DuckDB and by each other
engine asked for (Polars SQL, Spark SQL in local mode), against `fsmg-stats --format json`
on the same logs.

usage: sql-check.py FSMG_STATS_BINARY [--engines duckdb,polars,spark] [--log-format FMT]
                    [--older-first-run] NODE=PATH [NODE=PATH ...]

Each PATH is ingested as node NODE; the JSON report reads all PATHs together. A PATH that
is a plain file is ingested as a live log in two runs (its first half, then all of it), so
days are split across parts and the queries must merge them. With --older-first-run, the
first run's daily parts lose the columns added to their tables since, so that the store
spans releases as real ones do.
"""
import json
import os
import subprocess
import sys
import tempfile

REPORTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reports")


DAILY = ["traffic", "visitors", "status", "hours", "files", "file_visitors", "requested_files",
         "clients", "content", "addresses", "downloads", "panels", "panel_visitors"]


def panel_rows(report):
    """GoAccess's other panels of the JSON report as reports/daily/panels.sql rows:
    (panel, key, item, method, protocol, requests, visitors, bytes), sorted."""
    rows = []
    for panel, key, item in [("vhosts", "name", None), ("referrers", "url", None),
                             ("referring_sites", "site", None), ("remote_users", "name", None),
                             ("cache_status", "status", None), ("not_found", "path", None),
                             ("static_files", "path", None), ("browsers", "name", "version"),
                             ("operating_systems", "name", "version"),
                             ("mime_types", "type", "name"), ("tls", "version", "cipher")]:
        for r in report.get(panel) or []:
            detail = r[item] if item else None
            if panel == "tls":
                detail = r["version"] + ("/" + r["cipher"] if r["cipher"] else "")
            rows.append((panel, r[key], detail, r.get("method"), r.get("protocol"),
                         r["requests"], r["visitors"], r["bytes"]))
    return sorted(rows, key=str)


def duckdb_engine(store):
    import duckdb
    con = duckdb.connect()
    con.execute("CREATE VIEW requests AS SELECT * FROM read_parquet("
                f"'{store}/requests/**/*.parquet', hive_partitioning = true)")
    for t in DAILY:
        con.execute(f"CREATE VIEW {t} AS SELECT * FROM read_parquet("
                    f"'{store}/daily/{t}/**/*.parquet', hive_partitioning = true)")

    def run(sql):
        cur = con.execute(sql)
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, row)) for row in cur.fetchall()]
    return run


def polars_engine(store):
    import polars as pl
    ctx = pl.SQLContext()
    # As reports/README.md reads a store that spans releases.
    scan = dict(hive_partitioning=True, extra_columns="ignore", missing_columns="insert")
    ctx.register("requests", pl.scan_parquet(f"{store}/requests/**/*.parquet", **scan))
    for t in DAILY:
        ctx.register(t, pl.scan_parquet(f"{store}/daily/{t}/**/*.parquet", **scan))
    return lambda sql: ctx.execute(sql).collect().to_dicts()


def spark_engine(store):
    from pyspark.sql import SparkSession
    spark = (SparkSession.builder.master("local[2]").appName("sql-check")
             .config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false").getOrCreate())
    # Our comparisons say what failed; Spark's log only adds the noise of its shutdown.
    spark.sparkContext.setLogLevel("OFF")

    def view(name, root):
        # The Hive partitions (date=, node=) become columns, as on a cluster.
        spark.read.option("basePath", root).parquet(root).createOrReplaceTempView(name)
    view("requests", f"{store}/requests")
    for t in DAILY:
        view(t, f"{store}/daily/{t}")
    def run(sql):
        # Spark takes one statement, without the closing semicolon.
        return [r.asDict() for r in spark.sql(sql.strip().rstrip(";")).collect()]
    # Before the store is deleted.
    run.stop = spark.stop
    return run


ENGINES = {"duckdb": duckdb_engine, "polars": polars_engine, "spark": spark_engine}


def query(run, name):
    return run(open(os.path.join(REPORTS, name)).read())


def compare(report, prefix, summary, days, projects, countries, asns):
    r, s = report["summary"], summary[0]
    checks = [
        ("summary", {k: r[k] for k in ["valid_requests", "unique_visitors", "requested_files",
                                       "bandwidth_bytes", "first_date", "last_date"]},
         {k: (str(v) if k.endswith("date") else v) for k, v in s.items()}),
        ("days", [[d["date"], d["requests"], d["visitors"], d["bytes"]] for d in report["days"]],
         [[str(d["date"]), d["requests"], d["visitors"], d["bytes"]] for d in days]),
        ("projects", [[p["name"], p["requests"], p["visitors"], p["bytes"]]
                      for p in report["projects"]],
         [[p["name"], p["requests"], p["visitors"], p["bytes"]] for p in projects]),
        ("countries", [[c["code"], c["continent"], c["requests"], c["visitors"], c["bytes"]]
                       for c in report["countries"]],
         [[c["code"], c["continent"], c["requests"], c["visitors"], c["bytes"]]
          for c in countries]),
        ("asns", [[a["asn"], a["requests"], a["visitors"], a["bytes"]] for a in report["asns"]],
         [[a["asn"], a["requests"], a["visitors"], a["bytes"]] for a in asns]),
    ]
    return [(prefix + name, want, got) for name, want, got in checks]


def engine_checks(report, run):
    checks = []
    for prefix in ["", "daily/"]:
        checks += compare(report, prefix, *[query(run, f"{prefix}{n}.sql") for n in
                                            ["summary", "days", "projects", "countries",
                                             "asns"]])
    # Mirror insights, from the daily tables only (rows sorted: ties may list in any order).
    clients = sorted([c["name"] + (f"/{c['version']}" if c["version"] else ""),
                      c["requests"], c["visitors"], c["bytes"]] for c in report["clients"])
    got = sorted([c["client"], c["requests"], c["visitors"], c["bytes"]]
                 for c in query(run, "daily/clients.sql"))
    checks.append(("daily/clients", clients, got))
    nodes = sorted([n["name"], n["requests"], n["visitors"], n["bytes"]]
                   for n in report["nodes"])
    got = sorted([n["name"], n["requests"], n["visitors"], n["bytes"]]
                 for n in query(run, "daily/nodes.sql"))
    checks.append(("daily/nodes", nodes, got))
    got = sorted((tuple(r.values()) for r in query(run, "daily/panels.sql")), key=str)
    checks.append(("daily/panels", panel_rows(report), got))
    vhosts = [[v["name"], v["requests"], v["visitors"], v["bytes"]] for v in report["vhosts"]]
    got = [[v["vhost"], v["requests"], v["visitors"], v["bytes"]]
           for v in query(run, "vhosts.sql")]
    checks.append(("vhosts", vhosts, got))
    return checks


# Columns that daily parts gained after their table existed (docs/store.md, "Formats").
ADDED = {"visitors": ["vid"], "file_visitors": ["vid"], "panel_visitors": ["vid"],
         "downloads": ["vid"]}


def as_older_release(store):
    """Rewrites the store's daily parts without the columns added since 2026-12-02, as a
    release before wrote them: the store then spans releases, as a real one does."""
    import duckdb
    for table, columns in ADDED.items():
        root = os.path.join(store, "daily", table)
        for d, _, files in os.walk(root):
            for name in files:
                path = os.path.join(d, name)
                tmp = path + ".older"
                # zstd: the one codec fsmg-stats is built with.
                duckdb.sql(f"COPY (SELECT * EXCLUDE ({', '.join(columns)}) FROM "
                           f"read_parquet('{path}')) TO '{tmp}' "
                           "(FORMAT parquet, COMPRESSION zstd)")
                os.replace(tmp, path)


def main():
    binary, args = sys.argv[1], sys.argv[2:]
    engines = ["duckdb"]
    if args[0] == "--engines":
        engines, args = args[1].split(","), args[2:]
    fmt = []
    if args[0] == "--log-format":
        fmt, args = args[:2], args[2:]
    older = args[0] == "--older-first-run"
    if older:
        args = args[1:]
    pairs = [a.split("=", 1) for a in args]
    with tempfile.TemporaryDirectory() as store:
        for node, path in pairs:
            ingest = [binary, "ingest", "-q", *fmt, "--store", store, "--node", node]
            if os.path.isfile(path):
                data = open(path, "rb").read()
                live = os.path.join(store, "..", os.path.basename(store) + "-live.log")
                with open(live, "wb") as f:
                    f.write(data[:len(data) // 2])
                subprocess.run([*ingest, live], check=True)
                if older:
                    as_older_release(store)
                with open(live, "wb") as f:
                    f.write(data)
                subprocess.run([*ingest, live], check=True)
                os.remove(live)
            else:
                subprocess.run([*ingest, path], check=True)
        report = json.loads(subprocess.run(
            [binary, "--format", "json", "-q", "--top", "1000000", *fmt,
             *[f"{n}={p}" for n, p in pairs]],
            check=True, capture_output=True).stdout)
        checks = []
        for engine in engines:
            run = ENGINES[engine](store)
            checks += [(f"{name}.sql ({engine})", want, got)
                       for name, want, got in engine_checks(report, run)]
            getattr(run, "stop", lambda: None)()

    failed = 0
    for name, want, got in checks:
        ok = want == got
        failed += not ok
        size = len(want) if isinstance(want, list) else len(want.keys())
        print(f"{'ok  ' if ok else 'FAIL'} reports/{name}: {size} rows/fields")
        if not ok:
            if isinstance(want, list):
                diff = [(w, g) for w, g in zip(want, got) if w != g][:3]
                print(f"     json vs sql: {diff} (lengths {len(want)} vs {len(got)})")
            else:
                print(f"     json: {want}\n     sql:  {got}")
    print(f"sql: {len(checks) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
