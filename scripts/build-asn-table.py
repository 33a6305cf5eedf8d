#!/usr/bin/env python3
"""Builds data/geoip/asn.bin, the embedded IP-to-ASN table, from the CSVs of the npm package
@ip-location-db/asn (CC BY 4.0: RouteViews, DB-IP, NRO). Same input, same bytes.

usage: scripts/build-asn-table.py PACKAGE_DIR [OUT]

PACKAGE_DIR holds asn-ipv4-num.csv and asn-ipv6.csv (`npm pack @ip-location-db/asn`, then
untar). The format, all integers little-endian (read by src/enrich/geo/asn_table.rs):

    b"FSMGASN1"
    u32 build date (yyyymmdd, from the package version 2.3.YYYYMMDDhh)
    u32 n4, u32 n6, u32 orgs, u32 names_len
    [n4]u32 starts, [n4]u32 ends, [n4]u32 asns          IPv4 ranges, sorted, disjoint
    [n6]u128 starts, [n6]u128 ends, [n6]u32 asns        IPv6 ranges, sorted, disjoint
    [orgs]u32 asns, [orgs+1]u32 name offsets, names    organisation of each ASN, sorted

Adjacent ranges of one ASN are joined. An ASN's organisation is the first name the CSVs give.
"""
import csv
import ipaddress
import json
import os
import struct
import sys


def ranges(path, parse):
    out = []
    with open(path, newline="", encoding="utf-8") as f:
        for start, end, asn, org in csv.reader(f):
            out.append((parse(start), parse(end), int(asn), org))
    out.sort()
    # A range starting inside the one before it is the more specific: it wins, and the
    # outer range resumes after it.
    disjoint = []
    for s, e, a, o in out:
        if disjoint and s <= disjoint[-1][1]:
            outer = disjoint[-1]
            print(f"{path}: {s}-{e} (AS{a}) overrides part of AS{outer[2]}", file=sys.stderr)
            rest = outer[1]
            outer[1] = s - 1
            if outer[1] < outer[0]:
                disjoint.pop()
            disjoint.append([s, e, a, o])
            if rest > e:
                disjoint.append([e + 1, rest, outer[2], outer[3]])
        else:
            disjoint.append([s, e, a, o])
    merged = []
    for s, e, a, o in disjoint:
        if merged and merged[-1][2] == a and merged[-1][1] + 1 == s:
            merged[-1][1] = e
        else:
            merged.append([s, e, a, o])
    for x, y in zip(merged, merged[1:]):
        assert x[0] <= x[1] < y[0] <= y[1], (x, y)
    return merged


def main():
    pkg = sys.argv[1]
    out_path = sys.argv[2] if len(sys.argv) > 2 else "data/geoip/asn.bin"
    version = json.load(open(os.path.join(pkg, "package.json")))["version"]
    build_date = int(version.split(".")[2][:8])
    v4 = ranges(os.path.join(pkg, "asn-ipv4-num.csv"), int)
    v6 = ranges(os.path.join(pkg, "asn-ipv6.csv"), lambda s: int(ipaddress.IPv6Address(s)))
    orgs = {}
    for rows in (v4, v6):
        for _, _, a, o in rows:
            orgs.setdefault(a, o)
    asns = sorted(orgs)
    names = b""
    offsets = [0]
    for a in asns:
        names += orgs[a].encode("utf-8")
        offsets.append(len(names))
    with open(out_path + ".tmp", "wb") as f:
        f.write(b"FSMGASN1")
        f.write(struct.pack("<5I", build_date, len(v4), len(v6), len(asns), len(names)))
        for col in range(3):
            f.write(struct.pack(f"<{len(v4)}I", *(r[col] for r in v4)))
        for col in range(2):
            for r in v6:
                f.write(r[col].to_bytes(16, "little"))
        f.write(struct.pack(f"<{len(v6)}I", *(r[2] for r in v6)))
        f.write(struct.pack(f"<{len(asns)}I", *asns))
        f.write(struct.pack(f"<{len(offsets)}I", *offsets))
        f.write(names)
    os.replace(out_path + ".tmp", out_path)
    print(f"{out_path}: {len(v4)} IPv4 and {len(v6)} IPv6 ranges, {len(asns)} ASNs, "
          f"{os.path.getsize(out_path)} bytes, built {build_date}")


if __name__ == "__main__":
    main()
