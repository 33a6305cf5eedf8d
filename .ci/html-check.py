#!/usr/bin/env python3
"""The HTML dashboard and the sponsor page in a real browser (headless Chromium, driven by
Selenium through the installed chromium-driver; no driver is downloaded).

usage: html-check.py FSMG_STATS LOGS... [--screenshots DIR]

- no console error (a Content-Security-Policy violation would be one);
- the page shows the report's headline numbers and every day; the sponsor page its headline;
- the map has a shape per country, each with a title; countries with requests are shaded
  and their titles give the report's numbers;
- no table shows more than --top rows and an "others" row; "show all" shows every row;
  a header click sorts the rows by that column, a second click reverses them;
- with scripts disabled the page is complete (same rows, "show all" still works);
- at A4 print width, in print media, no table is wider than the page;
- at 375 px (a phone) nothing but tables and charts scrolls sideways, and at 1280 px no
  number cell wraps;
- loading it makes no network request (Chromium's net log; a control page with one
  external image is caught by the same check, so the check itself can fail);
- a page from log lines full of markup has no element that came from the log.

With --screenshots DIR: desktop, phone, dark and print (first page of the PDF) images.
"""

import base64
import json
import os
import subprocess
import sys
import tempfile

from selenium.webdriver.common.by import By

from chromium import BROWSER, browser

TOP = 10


def errors(d):
    return [e for e in d.get_log("browser") if e["level"] == "SEVERE"]


def click(d, element):
    """A user's click: on the element in the middle of the window (not under the sticky
    navigation, where Selenium would scroll it)."""
    d.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def thousands(n):
    return f"{n:,}"


VISIBLE_ROWS = """
return Array.from(document.querySelectorAll('table.sortable')).map(t => ({
  id: t.closest('.panel').id,
  body: Array.from(t.tBodies[0].rows).filter(r => r.getClientRects().length > 0).length,
  foot: t.tFoot ? Array.from(t.tFoot.rows).filter(r => r.getClientRects().length > 0).length : 0,
  all: t.tBodies[0].rows.length,
}));
"""


def check_tables(d, label):
    tables = d.execute_script(VISIBLE_ROWS)
    assert tables, "no tables"
    for t in tables:
        assert t["body"] == min(t["all"], TOP), f"{label}: {t}"
        assert t["body"] + t["foot"] <= TOP + 1, f"{label}: {t} is longer than --top + 1"
    # "Show all": every row of a long table.
    long = [t for t in tables if t["all"] > TOP]
    assert long, "no table has more rows than --top"
    for t in long:
        click(d, d.find_element(By.CSS_SELECTOR, f'label[for="all-{t["id"]}"]'))
    after = {t["id"]: t for t in d.execute_script(VISIBLE_ROWS)}
    for t in long:
        assert after[t["id"]]["body"] == t["all"], f"{label}: show all of {after[t['id']]}"
    for t in long:
        click(d, d.find_element(By.CSS_SELECTOR, f'label[for="all-{t["id"]}"]'))
    again = {t["id"]: t for t in d.execute_script(VISIBLE_ROWS)}
    for t in long:
        assert again[t["id"]]["body"] == TOP, f"{label}: show the top of {again[t['id']]}"
    return tables


def column(d, table_id, i):
    return d.execute_script(f"""
      return Array.from(document.querySelectorAll('#{table_id} tbody tr'))
        .filter(r => r.getClientRects().length > 0)
        .map(r => r.cells[{i}].getAttribute('data-v') ?? r.cells[{i}].textContent);""")


def check_sorting(d):
    # The projects table: by bandwidth (column 5), largest first, then smallest first.
    heads = d.find_elements(By.CSS_SELECTOR, "#projects thead th")
    assert heads[5].text.startswith("Bandwidth"), heads[5].text
    default = column(d, "projects", 1)
    click(d, heads[5].find_element(By.TAG_NAME, "button"))
    values = [float(v) for v in column(d, "projects", 5)]
    assert values == sorted(values, reverse=True), values
    assert len(values) > TOP, "sorting shows every row"
    click(d, heads[5].find_element(By.TAG_NAME, "button"))
    values = [float(v) for v in column(d, "projects", 5)]
    assert values == sorted(values), values
    assert heads[5].get_attribute("aria-sort") == "ascending"
    # By name, A to Z as the reader's language orders them.
    click(d, heads[0].find_element(By.TAG_NAME, "button"))
    names = column(d, "projects", 0)
    unordered = d.execute_script(
        "return arguments[0].filter((n, i, a) => i > 0 && a[i - 1].localeCompare(n) > 0);",
        names)
    assert len(names) > TOP and not unordered, (unordered, names)
    # "Show the top 10" puts back the page's order.
    click(d, d.find_element(By.CSS_SELECTOR, 'label[for="all-projects"]'))
    assert column(d, "projects", 1) == default[:TOP]
    print("html-check: header clicks sort (bandwidth down and up, names A to Z); "
          "'show the top' restores the order")


def check_map(d, report):
    shapes = d.execute_script("""
      return Array.from(document.querySelectorAll('#world-map path[data-cc]')).map(p => ({
        cc: p.getAttribute('data-cc'), cls: p.getAttribute('class'),
        title: (p.querySelector('title') || {}).textContent || '',
        fill: getComputedStyle(p).fill}));""")
    codes = [s["cc"] for s in shapes]
    assert len(codes) >= 230 and len(set(codes)) == len(codes), f"{len(codes)} shapes"
    assert all(s["title"] for s in shapes), "a shape without a title"
    by_cc = {s["cc"]: s for s in shapes}
    shaded = 0
    for c in report["countries"]:
        s = by_cc.get(c["code"])
        if s is None:
            continue
        assert f"{thousands(c['requests'])} requests" in s["title"], (c, s["title"])
        assert "r0" not in s["cls"].split(), (c, s)
        shaded += 1
    empty = [s for s in shapes if "r0" in s["cls"].split()]
    first = next(by_cc[c["code"]] for c in report["countries"] if c["code"] in by_cc)
    assert empty and all(s["fill"] != first["fill"] for s in empty), \
        "countries without requests look like the one with the most"
    # The metric switch shades by bytes.
    click(d, d.find_element(By.CSS_SELECTOR, 'label[for="m-b"]'))
    legend = d.find_element(By.CSS_SELECTOR, ".scale.b")
    assert legend.is_displayed() and "Data sent" in legend.text, legend.text
    click(d, d.find_element(By.CSS_SELECTOR, 'label[for="m-r"]'))
    print(f"html-check: map of {len(codes)} countries with titles, {shaded} shaded with the "
          f"report's numbers; the switch shows bytes")


def check_layout(d):
    # Phone: only table and chart wrappers may scroll sideways.
    d.set_window_size(375, 900)
    wide = d.execute_script("""
      return document.documentElement.scrollWidth > document.documentElement.clientWidth;""")
    assert not wide, "the page scrolls sideways at 375 px"
    # Desktop: numbers on one line.
    d.set_window_size(1280, 900)
    wrapped = d.execute_script("""
      return Array.from(document.querySelectorAll('td[data-v], .card .value')).filter(td => {
        const r = document.createRange(); r.selectNodeContents(td);
        return r.getClientRects().length > 1; }).map(td => td.textContent);""")
    assert not wrapped, f"numbers wrap at 1280 px: {wrapped[:5]}"
    # Print on A4 (210 mm less 2 x 12 mm margins = 703 CSS px).
    d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    d.set_window_size(703, 900)
    cut = d.execute_script("""
      return Array.from(document.querySelectorAll('table')).filter(t =>
        t.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
        .map(t => t.closest('.panel').id);""")
    assert not cut, f"tables cut on A4: {cut}"
    d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    d.set_window_size(1280, 900)
    print("html-check: no sideways scroll at 375 px, no wrapped number at 1280 px, "
          "no table wider than A4 in print")


def page_requests(page, tmp):
    """URLs the page itself asked for (not file:), from Chromium's net log."""
    log = os.path.join(tmp, "net.json")
    subprocess.run([BROWSER, "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--disable-component-update",
                    "--dump-dom", f"--log-net-log={log}", "file://" + page],
                   capture_output=True, timeout=120, check=True)
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


def check_hostile(exe, tmp):
    hostile = os.path.join(tmp, "hostile.log")
    with open(hostile, "w") as f:
        for i, path in enumerate(["/<script>document.title='pwned'</script>.deb",
                                  '/x"><img src=x onerror=alert(1)>',
                                  "/</title><svg onload=alert(2)>",
                                  "/</style><style>body{display:none}</style>"]):
            f.write(f'203.0.113.{i} - - [31/Dec/2018:10:00:0{i} +1300] "GET {path} HTTP/1.1" '
                    f'200 10 "<script>alert(3)</script>" "</title><b>agent</b>"\n')
        f.write("<script>alert(4)</script><iframe src=x> not a log line\n")
    bad = os.path.join(tmp, "hostile.html")
    subprocess.run([exe, "-q", "--title", "<script>alert(5)</script>", "-o", bad, hostile],
                   check=True)
    d = browser()
    try:
        d.get("file://" + bad)
        found = d.execute_script("""
          return {scripts: document.scripts.length, styles: document.querySelectorAll('style').length,
                  bad: document.querySelectorAll('img, iframe, b, svg[onload]').length,
                  title: document.title, text: document.body.innerText};""")
        assert found["scripts"] == 1 and found["styles"] == 2 and found["bad"] == 0, found
        assert "pwned" not in found["title"] and "<script>alert(5)</script>" in found["title"]
        assert "<img src=x onerror=alert(1)>" in found["text"]
        assert not errors(d), errors(d)
    finally:
        d.quit()
    print("html-check: markup in log lines and the title stays text in the browser")


def shoot(d, path, width, height, dark=False):
    d.set_window_size(width, height)
    d.execute_script("window.scrollTo(0, 0)")
    if dark:
        d.execute_cdp_cmd("Emulation.setEmulatedMedia", {
            "features": [{"name": "prefers-color-scheme", "value": "dark"}]})
    d.save_screenshot(path)
    if dark:
        d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})


def main():
    args = sys.argv[1:]
    shots = None
    if "--screenshots" in args:
        i = args.index("--screenshots")
        shots = args[i + 1]
        del args[i:i + 2]
    exe, logs = args[0], args[1:]
    if not BROWSER:
        sys.exit("html-check: no chromium")
    with tempfile.TemporaryDirectory() as tmp:
        page = os.path.join(tmp, "report.html")
        report = json.loads(subprocess.run(
            [exe, "-q", "-o", page, "--format", "json", *logs],
            capture_output=True, check=True).stdout)
        size = os.path.getsize(page)
        assert size < 400_000, f"the page weighs {size} bytes"

        d = browser()
        try:
            d.get("file://" + page)
            assert not errors(d), errors(d)
            text = d.find_element(By.TAG_NAME, "body").text
            s = report["summary"]
            for label, key in [("TOTAL REQUESTS", "total_requests"),
                               ("VALID REQUESTS", "valid_requests"),
                               ("FAILED REQUESTS", "failed_requests"),
                               ("UNIQUE VISITORS", "unique_visitors"),
                               ("REQUESTED FILES", "requested_files")]:
                assert f"{label}\n{thousands(s[key])}" in text, f"{label} {thousands(s[key])}"
            days = d.execute_script("""return Array.from(
              document.querySelectorAll('#days tbody tr')).map(r => r.cells[0].textContent);""")
            assert days == [x["date"] for x in reversed(report["days"])], days
            assert column(d, "days", 0) == days[:TOP], "the most recent days first"
            print(f"html-check: {size} bytes; headline numbers and "
                  f"{len(report['days'])} days shown")
            tables = check_tables(d, "with scripts")
            print(f"html-check: {len(tables)} tables show at most {TOP} rows and 'others'; "
                  "'show all' shows the rest")
            check_map(d, report)
            check_sorting(d)
            check_layout(d)
            assert not errors(d), errors(d)
            if shots:
                os.makedirs(shots, exist_ok=True)
                shoot(d, os.path.join(shots, "dashboard.png"), 1280, 2200)
                shoot(d, os.path.join(shots, "dashboard-phone.png"), 375, 1800)
                shoot(d, os.path.join(shots, "dashboard-dark.png"), 1280, 1400, dark=True)
                pdf = os.path.join(tmp, "print.pdf")
                with open(pdf, "wb") as f:
                    f.write(base64.b64decode(d.execute_cdp_cmd("Page.printToPDF", {
                        "paperWidth": 8.27, "paperHeight": 11.69,
                        "preferCSSPageSize": True})["data"]))
                out = os.path.join(shots, "dashboard-print")
                subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1",
                                "-singlefile", pdf, out], check=True)
                print(f"html-check: screenshots in {shots}")
        finally:
            d.quit()

        d = browser(scripts=False)
        try:
            d.get("file://" + page)
            assert not d.find_elements(By.CSS_SELECTOR, "th button"), "the script ran"
            text = d.find_element(By.TAG_NAME, "body").text
            assert thousands(s["valid_requests"]) in text
            check_tables(d, "without scripts")
            print("html-check: with scripts off the page is complete and 'show all' works")
        finally:
            d.quit()

        sponsor = os.path.join(tmp, "sponsor.html")
        subprocess.run([exe, "sponsor", "-q", "-o", sponsor, *logs], check=True)
        d = browser()
        try:
            d.get("file://" + sponsor)
            assert not errors(d), errors(d)
            n = len(d.find_elements(By.CSS_SELECTOR, "#world-map path[data-cc]"))
            bars = len(d.find_elements(By.CSS_SELECTOR, "svg.chart rect.bar"))
            assert n >= 230 and bars == len(report["days"]), (n, bars)
            assert thousands(s["valid_requests"]) in d.find_element(By.TAG_NAME, "body").text
            print(f"html-check: sponsor page with the map ({n} countries) and {bars} days")
        finally:
            d.quit()

        urls = page_requests(page, tmp)
        assert not urls, f"the dashboard made network requests: {urls}"
        control = os.path.join(tmp, "control.html")
        with open(control, "w") as f:
            f.write('<!doctype html><title>x</title><img src="http://127.0.0.1:9/x.png">')
        assert page_requests(control, tmp), "the network check misses an external image"
        print("html-check: no network request (a control page's external image is caught)")

        check_hostile(exe, tmp)


if __name__ == "__main__":
    main()
