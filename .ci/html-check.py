#!/usr/bin/env python3
"""The HTML dashboard in a real browser (headless Chromium).

usage: html-check.py FSMG_STATS LOGS... [--screenshot PNG]

- the page's DOM (as Chromium built it) shows the report's headline numbers and its tables;
- loading it makes no network request (Chromium's net log; the browser's own background
  traffic, initiated by no page, is told apart by its initiator), and a control page with one
  external image is caught by the same check, so the check itself can fail;
- a page from log lines full of markup has no element that came from the log.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps",
]


def chromium(page, *args):
    out = subprocess.run([BROWSER, *FLAGS, *args, "file://" + page],
                         capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        sys.exit(f"chromium failed on {page}: {out.stderr[-2000:]}")
    return out.stdout


def page_requests(page, tmp):
    """URLs the page itself asked for (not file:), from Chromium's net log."""
    log = os.path.join(tmp, "net.json")
    chromium(page, "--dump-dom", f"--log-net-log={log}")
    with open(log) as f:
        d = json.load(f)
    types = {v: k for k, v in d["constants"]["logEventTypes"].items()}
    urls = []
    for e in d["events"]:
        p = e.get("params", {})
        if types.get(e["type"]) != "URL_REQUEST_START_JOB" or "url" not in p:
            continue
        # Requests of the browser itself (updates, time) have no initiating page.
        if p.get("initiator") == "not an origin":
            continue
        if not p["url"].startswith(("file:", "data:")):
            urls.append(p["url"])
    return urls


def thousands(n):
    return f"{n:,}"


def main():
    args = sys.argv[1:]
    shot = None
    if "--screenshot" in args:
        i = args.index("--screenshot")
        shot = args[i + 1]
        del args[i:i + 2]
    exe, logs = args[0], args[1:]
    if not BROWSER:
        sys.exit("html-check: no chromium")
    with tempfile.TemporaryDirectory() as tmp:
        page = os.path.join(tmp, "report.html")
        report = json.loads(subprocess.run(
            [exe, "-q", "-o", page, "--format", "json", *logs],
            capture_output=True, check=True).stdout)

        dom = chromium(page, "--dump-dom")
        s = report["summary"]
        for label, key in [("Total Requests", "total_requests"),
                           ("Valid Requests", "valid_requests"),
                           ("Failed Requests", "failed_requests"),
                           ("Unique Visitors", "unique_visitors"),
                           ("Requested Files", "requested_files")]:
            want = f'<div class="label">{label}</div><div class="value">{thousands(s[key])}</div>'
            assert want in dom, f"{label} {thousands(s[key])} not in the rendered page"
        for day in report["days"]:
            assert f"<td>{day['date']}</td><td>{thousands(day['requests'])}</td>" in dom, day
        for p in report["projects"]:
            assert f"<td>{p['name']}</td><td>{thousands(p['requests'])}</td>" in dom, p
        print(f"html-check: headline numbers, {len(report['days'])} days and "
              f"{len(report['projects'])} projects in the rendered DOM")

        urls = page_requests(page, tmp)
        assert not urls, f"the dashboard made network requests: {urls}"
        control = os.path.join(tmp, "control.html")
        with open(control, "w") as f:
            f.write('<!doctype html><title>x</title><img src="http://127.0.0.1:9/x.png">')
        assert page_requests(control, tmp), "the network check misses an external image"
        print("html-check: no network request (a control page's external image is caught)")

        hostile = os.path.join(tmp, "hostile.log")
        with open(hostile, "w") as f:
            for i, path in enumerate(["/<script>document.title='pwned'</script>.deb",
                                      '/x"><img src=x onerror=alert(1)>',
                                      "/</title><svg onload=alert(2)>"]):
                f.write(f'203.0.113.{i} - - [31/Dec/2018:10:00:0{i} +1300] "GET {path} HTTP/1.1" '
                        f'200 10 "<script>alert(3)</script>" "</title><b>agent</b>"\n')
            f.write("<script>alert(4)</script><iframe src=x> not a log line\n")
        bad = os.path.join(tmp, "hostile.html")
        subprocess.run([exe, "-q", "-o", bad, hostile], check=True)
        dom = chromium(bad, "--dump-dom")
        for element in ["<script", "<img", "<iframe", "<b>", "<svg onload"]:
            assert element not in dom, f"{element} from the log became an element"
        assert "pwned" not in chromium(bad, "--dump-dom").split("<title>")[1].split("</title>")[0]
        print("html-check: markup in log lines stays text in the browser")

        if shot:
            chromium(page, "--hide-scrollbars", "--window-size=1280,2400", f"--screenshot={shot}")
            assert os.path.getsize(shot) > 10_000, "empty screenshot"
            print(f"html-check: screenshot {shot}")


if __name__ == "__main__":
    main()
