#!/usr/bin/env python3
"""Runs GoAccess and fsmg-stats on the same logs and asserts equal numbers.

usage: goaccess-crosscheck.py FSMG_STATS_BINARY [--geoip-db MMDB] [--log-format FMT]
           [--date-format F --time-format F] [--goaccess-file FILE --goaccess-format FMT]
           [--both "OPTIONS"] [--ours "OPTIONS" --theirs "OPTIONS"] PATH...

With --geoip-db both tools get the same country database and every country's hits,
visitors, bytes and continent are compared too. With --log-format both read that format
(a GoAccess name or format string; GoAccess gets CLF date and time formats for a string
unless --date-format/--time-format are given); without it, fsmg-stats sniffs the format
and GoAccess reads COMBINED. With --goaccess-file, GoAccess reads that file instead (in
--goaccess-format, default COMBINED): the same requests in another format (the generated
nginx JSON log against its COMBINED twin). Both run with TZ=UTC, so that epoch times
(Caddy) fall on the same days.

GoAccess 1.7 reads no gzip, so every input is decompressed, in the order given, into one
temporary file for it; fsmg-stats reads the originals. Compared: total, valid and failed
requests, unique visitors, requested files, bandwidth, and hits/visitors/bytes of every
day and status code. The one documented difference is allowed for: a line starting with a
NUL byte is failed for fsmg-stats and silently skipped by GoAccess (our `nul_byte` reason).
Log size is compared when the input is one plain file. --both gives both tools the same
options (filters: --exclude-ip, --ignore-status, --ignore-referrer, --ignore-crawlers);
--ours and --theirs give each its own spelling of one (a network for us, the same range
for GoAccess, which reads no CIDR).

The other panels (vhosts, referrers, referring sites, not found, static files, operating
systems, browsers, remote users, MIME types, TLS, cache status) are compared item by item,
every item of each tool's panel: requests and bytes equal; GoAccess's visitors may be lower
than ours, by up to 2 or 10%. Besides its agent hash, GoAccess 1.7 records that visitor v
saw item k under a key that is the same for (k, v) and (v, k) (its `u64encode` orders the
pair), both numbered in the order lines come: visitor v of item k is lost whenever visitor
k saw item v that day. Three lines show it (two addresses get /a.png, one of them /b.png
between: GoAccess says 1 visitor of /a.png); which lines meet depends on the numbering, so
a filter that drops lines shifts it (geolynx-combined with --ignore-referrer=-:
/js/scripts.js has 104 distinct (date, address, agent) among its non-4xx requests,
GoAccess says 98). Ours are the distinct (date, address, agent) of each item.
Requests keyed by a 32-bit djb2 hash of url|method|protocol (not found, static files) that
collide are one item in GoAccess: ours are compared summed.

Requested files: GoAccess 1.7 keys them by a 32-bit djb2 hash of "url|method|protocol", so
two files whose keys collide count once (checked by hand: `/x/az` and `/x/bY` make one).
We count distinct keys. With n files about n^2/2^33 collide (none on the sample logs, ~27
on a 2M-line log), so GoAccess may be lower by at most that many, never higher.

Countries: a panel's visitors are counted by hashed keys in GoAccess too, and it can count
one or two fewer than there are (elastic-apache: US 760, a recount of distinct (day, IP,
agent) of non-4xx US requests gives 761, as we do); it may be lower by at most 2 or 0.5%.
GoAccess files every unknown country under the continent of the first one it met (an
address whose record names a continent but no country, e.g. EU); ours are under `--`, so
the `--` row's continent is not compared.
"""
import math
import gzip
import shlex
import json
import os
import subprocess
import sys
import tempfile


def files(paths):
    for p in paths:
        if os.path.isdir(p):
            for root, dirs, names in sorted(os.walk(p)):
                dirs.sort()
                for n in sorted(names):
                    if not n.startswith("."):
                        yield os.path.join(root, n)
        else:
            yield p


PREDEFINED = {"COMBINED", "VCOMBINED", "COMMON", "VCOMMON", "W3C", "CLOUDFRONT", "CLOUDSTORAGE",
              "AWSELB", "SQUID", "AWSS3", "CADDY", "AWSALB"}

# Rows per panel asked of fsmg-stats: all of them.
TOP = 10**7


def main():
    binary, args = sys.argv[1], sys.argv[2:]
    opts = {}
    while args and args[0].startswith("--"):
        opts[args[0]], args = args[1], args[2:]
    paths = args
    geo = ["--geoip-db", opts["--geoip-db"]] if "--geoip-db" in opts else []
    fmt = opts.get("--log-format")
    ours_fmt = []
    if fmt:
        ours_fmt = ["--log-format", fmt]
        for k in ("--date-format", "--time-format"):
            if k in opts:
                ours_fmt += [k, opts[k]]
    ga_fmt = opts.get("--goaccess-format", fmt or "COMBINED")
    # Options both tools take alike (filters).
    both = shlex.split(opts.get("--both", ""))
    ours_only = shlex.split(opts.get("--ours", ""))
    ga_args = ["--log-format=" + ga_fmt, "--enable-panel=REFERRERS", f"--max-items={TOP}", *both,
               *shlex.split(opts.get("--theirs", ""))]
    if ga_fmt.upper() not in PREDEFINED:
        ga_args += ["--date-format=" + opts.get("--date-format", "%d/%b/%Y"),
                    "--time-format=" + opts.get("--time-format", "%H:%M:%S")]
    env = dict(os.environ, TZ="UTC")
    ga_paths = [opts["--goaccess-file"]] if "--goaccess-file" in opts else paths
    with tempfile.TemporaryDirectory() as tmp:
        combined = os.path.join(tmp, "combined.log")
        plain = len(paths) == 1 and os.path.isfile(paths[0]) and ga_paths == paths
        with open(combined, "wb") as out:
            for f in files(ga_paths):
                with open(f, "rb") as raw:
                    magic = raw.read(2)
                opener = gzip.open if magic == b"\x1f\x8b" else open
                plain = plain and opener is open
                with opener(f, "rb") as src:
                    out.write(src.read())
        ga_json = os.path.join(tmp, "goaccess.json")
        subprocess.run(
            ["goaccess", combined if not plain else paths[0], *ga_args,
             "--no-progress", "-o", ga_json, *[a.replace("-db", "-database") for a in geo]],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
        )
        # GoAccess copies invalid UTF-8 from the log into its JSON; read it leniently.
        ga = json.loads(open(ga_json, "rb").read().decode("utf-8", "replace"))
        ours = json.loads(subprocess.run([binary, "--format", "json", "-q", "--top", str(TOP), *both, *ours_only,
                                          *geo, *ours_fmt, *paths],
                                         check=True, capture_output=True, env=env).stdout)

    g, s = ga["general"], ours["summary"]
    nul = sum(r["count"] for r in ours["failed"]["reasons"] if r["reason"] == "nul_byte")
    checks = [
        # GoAccess's total counts the lines its filters leave out; ours are excluded.
        ("total_requests", g["total_requests"], s["total_requests"] - nul + s["excluded_requests"]),
        ("valid_requests", g["valid_requests"], s["valid_requests"]),
        ("failed_requests", g["failed_requests"], s["failed_requests"] - nul),
        ("unique_visitors", g["unique_visitors"], s["unique_visitors"]),
        ("requested_files", g["unique_files"], s["requested_files"]),
        ("bandwidth", g.get("bandwidth", 0), s["bandwidth_bytes"]),
    ]
    if plain:
        checks.append(("log_size", g["log_size"], s["log_size_bytes"]))
    # Formats with no size (W3C) have no bytes in GoAccess's panels.
    ga_days = {d["data"]: (d["hits"]["count"], d["visitors"]["count"], d.get("bytes", {}).get("count", 0))
               for d in ga["visitors"]["data"]}
    our_days = {d["date"].replace("-", ""): (d["requests"], d["visitors"], d["bytes"])
                for d in ours["days"]}
    checks.append(("days (hits, visitors, bytes)", ga_days, our_days))
    ga_status = {}
    for group in ga["status_codes"]["data"]:
        for item in group.get("items", []):
            code = item["data"].split(" ")[0]
            if code.isdigit():
                ga_status[int(code)] = item["hits"]["count"]
    our_status = {r["code"]: r["requests"] for r in ours["status_codes"] if str(r["code"]) in
                  {str(c) for c in ga_status}}
    checks.append(("status code hits", ga_status, our_status))

    if geo:
        ga_countries = {}
        for continent in ga["geolocation"]["data"]:
            for item in continent["items"]:
                code = "--" if item["data"] == "Unknown" else item["data"].split(" ")[0]
                cont = "--" if continent["data"] == "Unknown" else continent["data"].split(" ")[0]
                ga_countries[code] = (item["hits"]["count"], item["visitors"]["count"],
                                      item["bytes"]["count"], cont)
        our_countries = {r["code"]: (r["requests"], r["visitors"], r["bytes"], r["continent"])
                         for r in ours["countries"]}
        checks.append(("countries (hits, visitors, bytes, continent)", ga_countries,
                       our_countries))

    # The other panels, item by item: each of our rows against GoAccess's item of that key
    # (requests and bytes equal; visitors equal, or GoAccess lower by its hashed keys), and
    # the summary's unique counts.
    for key in ("unique_referrers", "unique_not_found", "unique_static_files"):
        checks.append((key, g.get(key, 0), s[key]))
    def items(panel, nested):
        out = {}
        for it in ga.get(panel, {}).get("data", []):
            subs = it.get("items", []) if nested else [it]
            for sub in subs:
                key = ((it["data"], sub["data"]) if nested else
                       (sub["data"], sub.get("method"), sub.get("protocol")) if "method" in sub else sub["data"])
                out[key] = (sub["hits"]["count"], sub["visitors"]["count"],
                            sub.get("bytes", {}).get("count", 0))
        return out
    def key_of(panel, row):
        if panel in ("not_found", "static_files"):
            return (row["path"], row["method"] or "---", row["protocol"] or "---")
        if panel in ("operating_systems", "browsers"):
            return (row["name"], row["version"])
        if panel == "mime_types":
            return (row["type"], row["name"])
        if panel == "tls":
            return (row["version"], row["version"] + ("/" + row["cipher"] if row["cipher"] else ""))
        return row.get("url", row.get("site", row.get("status", row.get("name"))))
    panels = [("vhosts", "vhosts", False), ("referrers", "referrers", False),
              ("referring_sites", "referring_sites", False), ("not_found", "not_found", False),
              ("static_files", "static_requests", False), ("operating_systems", "os", True),
              ("browsers", "browsers", True), ("remote_users", "remote_user", False),
              ("mime_types", "mime_type", True), ("tls", "tls_type", True),
              ("cache_status", "cache_status", False)]
    def djb2(text):
        h = 5381
        for c in text.encode():
            h = (h * 33 + c) & 0xFFFFFFFF
        return h
    def merge_collisions(panel, theirs, got):
        """GoAccess keys requests by a 32-bit djb2 hash of url|method|protocol: keys of
        ours with one hash are one item of GoAccess's, the first it met. Ours are summed
        under the key GoAccess shows (visitors as an upper bound)."""
        groups = {}
        for k in got:
            groups.setdefault(djb2("|".join(k)), []).append(k)
        for keys in groups.values():
            if len(keys) < 2:
                continue
            shown = [k for k in keys if k in theirs]
            if len(shown) != 1:
                continue
            sums = [sum(got[k][i] for k in keys) for i in range(3)]
            for k in keys:
                del got[k]
            got[shown[0]] = tuple(sums)
            print(f"note {panel}: {keys} share one 32-bit key in GoAccess; compared summed")
    for ours_key, ga_key, nested in panels:
        rows = ours.get(ours_key)
        if rows is None:
            continue
        theirs = items(ga_key, nested)
        got = {key_of(ours_key, r): (r["requests"], r["visitors"], r["bytes"]) for r in rows}
        want = {k: theirs.get(k) for k in got}
        # Every key of GoAccess's panel is one of ours (ours lists them all).
        want.update({k: v for k, v in theirs.items() if k not in want})
        if ours_key in ("not_found", "static_files"):
            merge_collisions(ours_key, theirs, got)
            want = {k: v for k, v in want.items() if k in got or k in theirs}
        checks.append((f"panel {ours_key} ({len(rows)} rows)", want, got))

    def close(want, got, parts):
        """Visitors: ours equal, or above GoAccess's by what its hashed keys lose (up to
        2, or one `parts`-th)."""
        return want <= got <= want + max(2, want // parts)

    failed = 0
    for name, want, got in checks:
        ok = want == got
        if name.startswith("panel") and not ok:
            ok = set(want) == set(got)
            for k in want:
                if k not in got:
                    ok = False
                    print(f"note {name}: GoAccess's {k!r} {want[k]} is not in ours")
                    continue
                if want[k] is None:
                    ok = False
                    print(f"note {name}: {k!r} is not in GoAccess's panel")
                    continue
                (wh, wv, wb), (gh, gv, gb) = want[k], got[k]
                agrees = (wh, wb) == (gh, gb) and close(wv, gv, 10)
                ok = ok and agrees
                if not agrees:
                    print(f"note {name}: {k!r} goaccess={want[k]} ours={got[k]}")
        if name.startswith("countries") and not ok:
            ok = set(want) == set(got)
            for code in set(want) & set(got):
                (wh, wv, wb, wc), (gh, gv, gb, gc) = want[code], got[code]
                near = close(wv, gv, 200)
                ok = ok and (wh, wb) == (gh, gb) and near and (wc == gc or code == "--")
                if near and wv != gv:
                    print(f"note {code} visitors: ours={gv}, GoAccess {wv} (its hashed keys)")
        if name in ("requested_files", "unique_not_found", "unique_static_files") and not ok:
            # The same 32-bit key hash (url|method|protocol) for not-found and static
            # requests (geolynx-combined: /l7.php and /jy.php POST HTTP/1.1 collide).
            expected = got * got / 2**33
            ok = 0 < got - want <= expected + 4 * math.sqrt(expected) + 1
            print(f"note {name}: ours={got}, {got - want} more than GoAccess; "
                  f"its 32-bit key hash merges about {expected:.1f} of {got} keys")
        failed += not ok
        shown = (f"{want}" if not isinstance(want, dict) else f"{len(want)} rows")
        theirs = f"{len(got)} rows" if isinstance(got, dict) else f"{got}"
        print(f"{'ok  ' if ok else 'FAIL'} {name}: goaccess={shown}" + ("" if ok else f" ours={theirs}"))
    print(f"goaccess ({ga_fmt[:40]} / ours {ours['log_format'][:40]}): "
          f"{len(checks) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
