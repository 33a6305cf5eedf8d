#!/usr/bin/env python3
"""The live dashboard (`fsmg-stats serve`) in a real browser (headless Chromium, driven by
Selenium through the installed chromium-driver; no driver is downloaded).

usage: live-check.py FSMG_STATS [--screenshot FILE]

Two followed logs (hlz, wlg) get half of a day of generated lines; then:
- the page's live line comes from the server-sent events, with no console error (a
  Content-Security-Policy violation would be one); its cards show the batch report's total;
- a table sorted by a header click, the rest of the lines written (hlz rotated first):
  the page updates itself to the batch report of every file written (and /report.json
  says the same), its version goes up, the table keeps its order, still no console error;
- without the token the page is refused (401); SIGINT stops the server with status 0.
"""

import json
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from chromium import BROWSER, browser

ENV = dict(os.environ, FSMG_STATS_GEOIP_DIRS="/nonexistent", HOME="/nonexistent")
CONSOLE = []
FAILED = []


def check(ok, what):
    """A check that does not stop the run: the later ones still say what they find."""
    if not ok:
        print(f"live-check: FAILED: {what}")
        FAILED.append(what)
    return ok


def errors(d):
    """Every SEVERE console entry so far (get_log drains, so they are kept)."""
    CONSOLE.extend(d.get_log("browser"))
    return [e for e in CONSOLE if e["level"] == "SEVERE"]


def append(path, lines):
    with open(path, "ab") as f:
        f.write(b"".join(lines))


def batch_total(exe, files):
    out = subprocess.run([exe, "--format", "json", "-q", *files], env=ENV,
                         capture_output=True, check=True).stdout
    return json.loads(out)["summary"]["total_requests"]


def card(d, label):
    return d.execute_script("""
      const c = Array.from(document.querySelectorAll('.cards .card')).find(
        c => c.querySelector('.label').textContent.trim() === arguments[0]);
      return c ? c.querySelector('.value').textContent.trim() : null;""", label)


# The first sortable table: its panel, its sorted header (index, text, aria-sort), its
# header buttons, and whether its rows are in that order.
SORTED = """
const t = document.querySelector('table.sortable');
const heads = Array.from(t.tHead.rows[0].cells);
const i = heads.findIndex(h => h.hasAttribute('aria-sort'));
const sort = i < 0 ? null : heads[i].getAttribute('aria-sort');
const v = i < 0 ? [] : Array.from(t.tBodies[0].rows, r => parseFloat(r.cells[i].dataset.v));
return {panel: t.closest('.panel').id, column: i, text: i < 0 ? null : heads[i].textContent,
        sort: sort, buttons: t.querySelectorAll('th button').length,
        ordered: v.every((x, j) => !j || (sort === 'ascending' ? v[j - 1] <= x : v[j - 1] >= x))};
"""


def version(d):
    meta = d.find_element(By.CSS_SELECTOR, 'meta[name="fsmg-version"]')
    return int(meta.get_attribute("content"))


def main():
    args = sys.argv[1:]
    shot = args[args.index("--screenshot") + 1] if "--screenshot" in args else None
    exe = os.path.abspath(args[0])
    if not BROWSER:
        sys.exit("live-check: no chromium")
    server = d = None
    with tempfile.TemporaryDirectory() as tmp:
        try:
            # One day of lines (some not UTF-8), the first half split between two nodes.
            gen = os.path.join(tmp, "GEN.log")
            subprocess.run([os.path.join(os.path.dirname(exe), "fsmg-loggen"), "--seed", "3",
                            "single", gen, "--lines", "4000", "--days", "1"],
                           stdout=subprocess.DEVNULL, check=True)
            with open(gen, "rb") as f:
                data = f.read()
            assert data.endswith(b"\n")
            # Lines end at \n only (some hold a \r).
            lines = [line + b"\n" for line in data.split(b"\n")[:-1]]
            first, second = lines[:len(lines) // 2], lines[len(lines) // 2:]
            hlz, wlg = (os.path.join(tmp, "logs", n, "access.log") for n in ("hlz", "wlg"))
            for path, share in [(hlz, first[0::2]), (wlg, first[1::2])]:
                os.makedirs(os.path.dirname(path))
                append(path, share)

            token = secrets.token_hex(16)
            err = open(os.path.join(tmp, "serve.err"), "w+")
            server = subprocess.Popen([exe, "serve", os.path.join(tmp, "logs"), "--listen",
                                       "127.0.0.1:0", "--token", token],
                                      env=ENV, stdout=subprocess.DEVNULL, stderr=err)
            for _ in range(100):
                found = re.search(r"serving (http://127\.0\.0\.1:\d+/)\?token=(\w+) ",
                                  open(err.name).read())
                if found or server.poll() is not None:
                    break
                time.sleep(0.1)
            assert found and found[2] == token, open(err.name).read()
            base = found[1]
            url = f"{base}?token={token}"
            for _ in range(100):  # 503 while the logs are first read
                try:
                    urllib.request.urlopen(f"{base}report.json?token={token}").close()
                    break
                except urllib.error.HTTPError as e:
                    assert e.code == 503, e
                    time.sleep(0.1)
            print(f"live-check: serving {base} with a token")

            # The page with the live line, the cards of the first half.
            d = browser(width=1400, height=1000)
            d.get(url)
            WebDriverWait(d, 30).until(lambda d: re.match(
                r"Live: .*req/s", d.find_element(By.ID, "live").text))
            live = d.find_element(By.ID, "live").text
            expected = batch_total(exe, [hlz, wlg])
            shown = card(d, "Total Requests")
            assert shown == f"{expected:,}", f"the card shows {shown}, the batch {expected:,}"
            assert not errors(d), errors(d)
            print(f"live-check: the page is live ({live[:60]}...), "
                  f"{expected:,} requests as the batch report; no console error")

            # Sort the first table by Requests, largest last (two clicks: restoring it
            # needs both of them).
            table = d.find_element(By.CSS_SELECTOR, "table.sortable")
            head = next(h for h in table.find_elements(By.TAG_NAME, "th") if h.text == "Requests")
            button = head.find_element(By.TAG_NAME, "button")
            d.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
            button.click()
            button.click()
            before, v1 = d.execute_script(SORTED), version(d)
            assert before["sort"] == "ascending" and before["ordered"], before

            # The second half, hlz rotated first (renamed, a new empty file).
            os.rename(hlz, hlz + ".1")
            open(hlz, "wb").close()
            time.sleep(0.5)
            append(hlz, second[0::2])
            append(wlg, second[1::2])
            start = time.monotonic()
            expected = batch_total(exe, [hlz + ".1", hlz, wlg])
            try:  # the page's fetch of itself, when the events bring a new version
                WebDriverWait(d, 60).until(lambda d: card(d, "Total Requests") == f"{expected:,}")
            except Exception:
                raise AssertionError(f"after 60 s the card shows {card(d, 'Total Requests')}, "
                                     f"the batch report {expected:,}; live: "
                                     f"{d.find_element(By.ID, 'live').text}")
            print(f"live-check: {len(second)} more lines (hlz rotated): the page shows the batch "
                  f"report's {expected:,} requests after {time.monotonic() - start:.1f} s")
            after, v2 = d.execute_script(SORTED), version(d)
            if check(after == before, f"the table's sort was {before}, is {after}"):
                print(f"live-check: '{after['text']}' of #{after['panel']} still {after['sort']}")
            with urllib.request.urlopen(url) as r:  # the version the server is at
                now = re.search(rb'name="fsmg-version" content="(\d+)"', r.read())[1].decode()
            if check(v2 > v1, f"meta fsmg-version {v1} before the update, {v2} after "
                              f"(the served page's is {now})"):
                print(f"live-check: meta fsmg-version {v1} -> {v2}")
            with urllib.request.urlopen(base + "report.json?token=" + token) as r:
                served = json.load(r)["summary"]["total_requests"]
            if check(served == expected, f"/report.json {served}, batch {expected}"):
                print(f"live-check: /report.json says {served:,} requests too")
            if check(not errors(d), f"console errors: {errors(d)}"):
                print("live-check: still no console error")
            if shot:
                d.execute_script("window.scrollTo(0, 0)")
                d.save_screenshot(shot)
                print(f"live-check: screenshot in {shot}")

            # No token, no page; SIGINT stops it cleanly (the page still connected).
            try:
                status = urllib.request.urlopen(base, timeout=10).status
            except urllib.error.HTTPError as e:
                status = e.code
            if check(status == 401, f"the page without the token: {status}"):
                print("live-check: 401 without the token")
            server.send_signal(signal.SIGINT)
            start = time.monotonic()
            try:
                code = server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                code = "still running after 20 s"
            if check(code == 0, f"after SIGINT: {code}; {open(err.name).read()}"):
                print(f"live-check: SIGINT stops it (status 0 after "
                      f"{time.monotonic() - start:.1f} s, the page still connected)")
        finally:
            if server and server.poll() is None:
                server.kill()
                server.wait()
            if d:
                d.quit()
    if FAILED:
        sys.exit(f"live-check: {len(FAILED)} check(s) failed")


if __name__ == "__main__":
    main()
