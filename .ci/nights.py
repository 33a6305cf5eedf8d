#!/usr/bin/env python3
"""A simulated run of nights: the nightly `ingest` of two nodes' rotated logs, with what a
year of nights brings, then every month's and the whole store's report against the report
of the same lines read from logs.

    nights.py FSMG_STATS FSMG_LOGGEN [--days 35] [--lines-per-day 300] [--seed 1] [--work DIR]

Each node writes a day of requests (the generator's, hostile lines included) into
`access.log`; at night logrotate runs, then `fsmg-stats ingest` (as cron would). hlz rotates
by renaming (`create`), wlg by copying and truncating (`copytruncate`); both keep seven
rotations, compressed from the second (`delaycompress`). Besides:

- kill -9 at a random moment, one night in five (the next night catches up);
- a full filesystem (a file-size limit, `ulimit -f`) on one night in ten;
- a clock jump: one night, part of a node's day is logged three days back (a day already
  ingested and rolled up);
- late logs: near the end, a log of the first two weeks (an old month) appears in hlz's
  directory.

After a last, undisturbed night: `store check` finds no problem and no orphaned part; the
report of every month, and of the whole store, equals the log report of every line the
nodes wrote (minus what only logs can show: failed-line samples, input files, log sizes).
Exit 0 when all hold; what differs is printed.
"""

import argparse
import datetime
import gzip
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

NODES = {"hlz": "create", "wlg": "copytruncate"}
KEEP = 7


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def rotate(logdir, style):
    """logrotate with `rotate 7`, `compress`, `delaycompress`."""
    live = os.path.join(logdir, "access.log")
    name = lambda i: os.path.join(logdir, f"access.log.{i}" + (".gz" if i >= 2 else ""))
    if os.path.exists(name(KEEP)):
        os.remove(name(KEEP))
    for i in range(KEEP - 1, 1, -1):
        if os.path.exists(name(i)):
            os.rename(name(i), name(i + 1))
    if os.path.exists(name(1)):
        with open(name(1), "rb") as f, gzip.open(name(2), "wb") as g:
            shutil.copyfileobj(f, g)
        os.remove(name(1))
    if style == "create":
        os.rename(live, name(1))
        open(live, "wb").close()
    else:
        shutil.copyfile(live, name(1))
        with open(live, "r+b") as f:
            f.truncate(0)


def ingest(args, store, node, logdir, night, rng, typical):
    """One night's cron run: undisturbed, killed, or on a full disk. Returns what happened."""
    cmd = [args.fsmg, "ingest", "-q", "--no-geoip", "--store", store, "--node", node, logdir]
    env = dict(os.environ, FSMG_STATS_GEOIP_DIRS="/nonexistent")
    if night in args.killed:
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        time.sleep(rng.uniform(0, typical[0]))
        p.send_signal(signal.SIGKILL)
        p.wait()
        return "killed"
    if night in args.full:
        script = "trap '' XFSZ; ulimit -f 16; exec \"$@\""
        p = run(["sh", "-c", script, "sh", *cmd], env=env)
        if p.returncode == 0:
            return "full disk (the run fit)"
        return "full disk"
    start = time.monotonic()
    p = run(cmd, env=env)
    if p.returncode != 0:
        sys.exit(f"night {night}, {node}: ingest failed ({p.returncode}): {p.stderr}")
    typical[0] = max(0.05, time.monotonic() - start)
    return "ok"


def report(args, extra, store=None):
    # A store report's geo lookups were made at ingest (here: none).
    source = ["report", "--store", store] if store else ["--no-geoip"]
    p = run([args.fsmg, *source, "--format", "json", "-q", "--top", "25", *extra],
            env=dict(os.environ, FSMG_STATS_GEOIP_DIRS="/nonexistent"))
    if p.returncode not in (0, 1):
        sys.exit(f"report {' '.join(extra)} failed ({p.returncode}): {p.stderr}")
    r = json.loads(p.stdout)
    # What only a report of logs has, or has by design otherwise: failed-line samples and
    # input files (a store keeps neither), and the log size (the store's is its inputs'
    # sizes on disk as last seen, rotated and compressed).
    r["failed"]["samples"] = []
    r["inputs"] = []
    r["summary"].pop("log_size_bytes", None)
    return r


def shift_days(line, days):
    """The line with its `[dd/Mon/yyyy:` date moved by `days` (a wrong clock)."""
    m = re.search(rb"\[(\d\d/\w\w\w/\d{4}):", line)
    if not m:
        return line
    d = datetime.datetime.strptime(m.group(1).decode(), "%d/%b/%Y") + datetime.timedelta(days=days)
    return line[: m.start(1)] + d.strftime("%d/%b/%Y").encode() + line[m.end(1):]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("fsmg")
    ap.add_argument("loggen")
    ap.add_argument("--days", type=int, default=35)
    ap.add_argument("--lines-per-day", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    work = args.work or tempfile.mkdtemp(prefix="nights-")
    os.makedirs(work, exist_ok=True)
    store = os.path.join(work, "store")
    nights = range(1, args.days + 1)
    args.killed = {n for n in nights if rng.random() < 0.2}
    args.full = {n for n in nights if n not in args.killed and rng.random() < 0.1}
    jump, late = args.days // 2, args.days - 3

    # Each node's requests, split into days in the order written; `written[node]` keeps
    # every byte the node logged, the truth the store must equal.
    days, written = {}, {}
    for i, node in enumerate(NODES):
        path = os.path.join(work, f"{node}-all.log")
        run([args.loggen, "--seed", str(args.seed * 10 + i), "single", path, "--days",
             str(args.days), "--lines", str(args.days * args.lines_per_day),
             "--hostile-per-mille", "5"], check=True)
        lines = open(path, "rb").read().splitlines(keepends=True)
        per = len(lines) / args.days
        days[node] = [b"".join(lines[round(d * per):round((d + 1) * per)]) for d in range(args.days)]
        written[node] = os.path.join(work, f"{node}-written.log")
        open(written[node], "wb").close()
        os.makedirs(os.path.join(work, node), exist_ok=True)
        open(os.path.join(work, node, "access.log"), "wb").close()
    late_log = os.path.join(work, "late.log")
    run([args.loggen, "--seed", str(args.seed * 10 + 9), "single", late_log, "--days", "14",
         "--lines", str(14 * args.lines_per_day // 2), "--hostile-per-mille", "5"], check=True)

    typical = [0.5]
    events = {}
    for night in nights:
        for node, style in NODES.items():
            logdir = os.path.join(work, node)
            day = days[node][night - 1]
            if night == jump and node == "hlz":
                lines = day.splitlines(keepends=True)
                a, b = len(lines) // 3, len(lines) // 2
                day = b"".join(lines[:a] + [shift_days(l, -3) for l in lines[a:b]] + lines[b:])
            with open(os.path.join(logdir, "access.log"), "ab") as f:
                f.write(day)
            with open(written[node], "ab") as f:
                f.write(day)
            if night == late and node == "hlz":
                data = open(late_log, "rb").read()
                with gzip.open(os.path.join(logdir, "access.log-old.gz"), "wb") as g:
                    g.write(data)
                with open(written[node], "ab") as f:
                    f.write(data)
            rotate(logdir, style)
            what = ingest(args, store, node, logdir, night, rng, typical)
            if what != "ok":
                events.setdefault(what, []).append(f"{night}/{node}")
    # The disk fixed, the cron job runs once more.
    for node in NODES:
        ingest(args, store, node, os.path.join(work, node), 0, rng, typical)

    problems = []
    check = run([args.fsmg, "store", "check", store])
    if check.returncode != 0 or " 0 problems" not in check.stdout or "not in state.json" in check.stdout:
        problems.append(f"store check: {check.stdout}{check.stderr}")
    logs = [f"{node}={written[node]}" for node in NODES]
    whole = report(args, logs)
    months = sorted({d["date"][:7] for d in whole["days"]})
    windows = [None] + months
    for m in windows:
        flags = []
        if m:
            y, mo = map(int, m.split("-"))
            last = (datetime.date(y + mo // 12, mo % 12 + 1, 1) - datetime.timedelta(days=1)).day
            flags = ["--since", f"{m}-01", "--until", f"{m}-{last:02}"]
        from_store = report(args, flags, store)
        from_logs = whole if m is None else report(args, [*flags, *logs])
        if from_store != from_logs:
            diff = [k for k in from_logs if from_store.get(k) != from_logs.get(k)]
            problems.append(f"{m or 'the whole store'}: differs in {diff}")
    requests = whole["summary"]["total_requests"]
    print(f"{args.days} nights, 2 nodes, {requests} requests ({whole['summary']['valid_requests']} valid);"
          f" {len(windows) - 1} months and the whole store compared")
    for what, where in sorted(events.items()):
        shown = ", ".join(where[:12]) + (", …" if len(where) > 12 else "")
        print(f"  {what}: {len(where)} runs (night/node: {shown})")
    print(f"  clock jump: night {jump}, hlz; late logs of 2018-12-31..2019-01-13: night {late}, hlz")
    for p in problems:
        print(f"PROBLEM: {p}")
    if not args.work:
        shutil.rmtree(work)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
