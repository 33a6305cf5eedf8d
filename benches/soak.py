#!/usr/bin/env python3
"""Soak run of the live dashboards (issue 19): a writer appends to two nodes' logs at
--rate lines a second for --minutes, rotating every --rotate-every seconds (hlz by
renaming and creating, wlg by copying and truncating; the styles swap each time), then at
--quiet-rate for --quiet-minutes. `fsmg-stats serve` and `fsmg-stats top` (in tmux)
follow the logs meanwhile. Prints serve's resident memory and CPU along the way, its CPU
at the quiet rate, and whether both equal a batch report of every written file.

    python3 benches/soak.py target/release/fsmg-stats            # the recorded run
    python3 benches/soak.py target/release/fsmg-stats --minutes 1 --quiet-minutes 0.5

The generator writes one day's requests from --clients addresses. Memory follows distinct
keys (visitors, files, pairs of them), which grow all day on a real mirror; with
--distinct N the writer repeats N generated lines, so that they stop growing after the
first pass and what is left is what the following itself holds.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request


def ticks(pid):
    """User + system CPU time of `pid`, in clock ticks."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bin")
    ap.add_argument("--rate", type=int, default=5000)
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--rotate-every", type=float, default=120)
    ap.add_argument("--quiet-rate", type=int, default=500)
    ap.add_argument("--quiet-minutes", type=float, default=2)
    ap.add_argument("--clients", type=int, default=20000)
    ap.add_argument("--distinct", type=int, default=0,
                    help="write these many generated lines over and over (0: all new), so "
                         "that distinct keys stop growing after the first pass")
    args = ap.parse_args()
    bin_ = os.path.abspath(args.bin)
    loggen = os.path.join(os.path.dirname(bin_), "fsmg-loggen")
    hz = os.sysconf("SC_CLK_TCK")
    tmp = tempfile.mkdtemp(prefix="fsmg-soak-")
    env = dict(os.environ, FSMG_STATS_GEOIP_DIRS="/nonexistent", HOME="/nonexistent")
    env.pop("FSMG_STATS_CONFIG", None)
    serve = None
    socket = f"fsmg-soak-{os.getpid()}"
    try:
        total = int(args.rate * args.minutes * 60 + args.quiet_rate * args.quiet_minutes * 60)
        gen = os.path.join(tmp, "gen.log")
        subprocess.run([loggen, "--seed", "19", "single", gen,
                        "--lines", str(args.distinct or total + 1000),
                        "--days", "1", "--clients", str(args.clients)],
                       check=True, stdout=subprocess.DEVNULL)
        logs = {n: os.path.join(tmp, "logs", n) for n in ("hlz", "wlg")}
        for d in logs.values():
            os.makedirs(d)
            open(os.path.join(d, "access.log"), "wb").close()
        serve = subprocess.Popen([bin_, "serve", os.path.join(tmp, "logs"), "--listen",
                                  "127.0.0.1:0"], env=env, stderr=subprocess.PIPE)
        url = re.search(r"http://\S+/", serve.stderr.readline().decode()).group(0)
        subprocess.run(["tmux", "-L", socket, "new-session", "-d", "-x", "150", "-y", "45",
                        f"exec {bin_} top {os.path.join(tmp, 'logs')}"], check=True, env=env)
        top = int(subprocess.run(["tmux", "-L", socket, "list-panes", "-F", "#{pane_pid}"],
                                 capture_output=True, text=True, check=True).stdout.split()[0])
        source = open(gen, "rb")
        files = {n: open(os.path.join(d, "access.log"), "ab") for n, d in logs.items()}
        rotations, written, samples = 0, 0, []
        start = time.monotonic()
        next_rotation = start + args.rotate_every
        next_sample = start
        phases = [(args.rate, args.minutes * 60), (args.quiet_rate, args.quiet_minutes * 60)]
        quiet_cpu = None
        for rate, seconds in phases:
            phase_start = time.monotonic()
            phase_written = 0
            cpu_mark = None
            while time.monotonic() - phase_start < seconds:
                now = time.monotonic()
                due = int(rate * (now - phase_start)) - phase_written
                for _ in range(max(due, 0)):
                    line = source.readline()
                    if not line:
                        source.seek(0)
                        line = source.readline()
                    files["hlz" if written % 2 else "wlg"].write(line)
                    written += 1
                    phase_written += 1
                for f in files.values():
                    f.flush()
                if now >= next_rotation:
                    rotations += 1
                    create, copy = ("hlz", "wlg") if rotations % 2 else ("wlg", "hlz")
                    files[create].close()
                    log = os.path.join(logs[create], "access.log")
                    os.rename(log, f"{log}.{rotations}")
                    files[create] = open(log, "ab")
                    log = os.path.join(logs[copy], "access.log")
                    shutil.copyfile(log, f"{log}.{rotations}")
                    files[copy].truncate(0)
                    next_rotation += args.rotate_every
                if now >= next_sample:
                    samples.append((now - start, rss_mb(serve.pid), ticks(serve.pid),
                                    rss_mb(top), ticks(top)))
                    next_sample += 5
                # The quiet rate's CPU: its last 90 s (or all of it, if shorter).
                if rate == args.quiet_rate and cpu_mark is None and \
                        now - phase_start >= max(0, seconds - 90):
                    cpu_mark = (now, ticks(serve.pid), ticks(top))
                time.sleep(0.01)
            if rate == args.quiet_rate and cpu_mark:
                took = time.monotonic() - cpu_mark[0]
                quiet_cpu = [(ticks(p) - mark) / hz / took
                             for p, mark in ((serve.pid, cpu_mark[1]), (top, cpu_mark[2]))]
        for f in files.values():
            f.close()
        elapsed = time.monotonic() - start
        # Settled: the same total twice, two seconds apart.
        last = None
        while True:
            time.sleep(2)
            r = json.load(urllib.request.urlopen(url + "report.json"))
            if r["summary"]["total_requests"] == last:
                break
            last = r["summary"]["total_requests"]
        written_files = sorted(os.path.join(d, f) for d in logs.values() for f in os.listdir(d))
        batch = json.loads(subprocess.run([bin_, "--format", "json", "-q", *written_files],
                                          env=env, capture_output=True, check=True).stdout)
        keys = ["days", "projects", "status_codes", "files", "countries", "asns", "nodes",
                "ip_versions", "clients", "hours"]
        differ = [k for k in ["summary", *keys] if r[k] != batch[k]]
        screen = subprocess.run(["tmux", "-L", socket, "capture-pane", "-p"],
                                capture_output=True, text=True).stdout
        shown = f"requests {batch['summary']['total_requests']:,}  ·  " \
                f"visitors {batch['summary']['unique_visitors']:,}"
        print(f"written: {written:,} lines in {elapsed:.0f} s, {rotations} rotations; "
              f"batch: {batch['summary']['total_requests']:,} requests, "
              f"{batch['summary']['unique_visitors']:,} visitors")
        fast = [s for s in samples if 60 <= s[0] <= args.minutes * 60]
        for name, rss, cpu, quiet in (("serve", 1, 2, 0), ("top", 3, 4, 1)):
            print(f"{name} RSS (MB) by minute: " + ", ".join(
                f"{s[0] / 60:.0f}: {s[rss]:.0f}" for s in samples if round(s[0]) % 60 < 5))
            later = [s[rss] for s in samples if s[0] >= 60]
            print(f"{name} RSS after the first minute: {min(later):.0f}-{max(later):.0f} MB")
            busy = (fast[-1][cpu] - fast[0][cpu]) / hz / (fast[-1][0] - fast[0][0]) \
                if len(fast) > 1 else 0
            print(f"{name} CPU at {args.rate}/s: {busy * 100:.1f}% of a core; "
                  f"at {args.quiet_rate}/s: {(quiet_cpu or [0, 0])[quiet] * 100:.1f}%")
        print(f"serve = batch report: {'yes' if not differ else 'NO, differ: ' + ', '.join(differ)}")
        print(f"top shows the batch totals: {'yes' if shown in screen else 'NO'}")
        ok = not differ and shown in screen
        if not ok:
            print(screen)
        sys.exit(0 if ok else 1)
    finally:
        if serve:
            serve.terminate()
            serve.wait()
        subprocess.run(["tmux", "-L", socket, "kill-server"], stderr=subprocess.DEVNULL)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
