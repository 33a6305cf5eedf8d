#!/usr/bin/env bash
# Times GoAccess, logswan and fsmg-stats on the same generated combined log, paired (each
# round runs every tool once, in turn), with geo lookups on (the same GeoLite2-format
# country database for all three) and off; prints each run, the medians of wall time, CPU
# time and peak RSS, and the ratios the speed goals are stated in (issue 18). Then
# cross-checks fsmg-stats against GoAccess on the file. Figures go to BENCHMARKS.md.
#
#   benches/vs-goaccess.sh [LINES] [RUNS]   # default 2000000 lines, 5 runs
#   BENCH_DIR=/tmp/b benches/vs-goaccess.sh # keeps (and reuses) the log there
#
# Needs goaccess and logswan (apt-get install goaccess logswan).
set -euo pipefail
cd "$(dirname "$0")/.."
lines=${1:-2000000}
runs=${2:-5}
work=${BENCH_DIR:-$(mktemp -d)}
mkdir -p "$work"
cargo build --release --workspace --quiet
# FSMG_STATS=path times another build (an earlier commit, for a before/after pair).
ours=${FSMG_STATS:-./target/release/fsmg-stats}
db=tests/data/geoip/GeoLite2-Country.mmdb
log="$work/bench.log"
[ -f "$log" ] || ./target/release/fsmg-loggen single "$log" --lines "$lines" --truth "$work/truth.json"
ls -l "$log"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
goaccess --version | head -1
logswan -v 2>&1 | head -1

# One timed run: appends "tool geo wall cpu rss_kb" to $work/times.
run() {
  local name=$1 geo=$2
  shift 2
  /usr/bin/time -o "$work/t" -f "%e %U %S %M" "$@" > /dev/null 2> "$work/stderr" || {
    cat "$work/stderr" >&2
    exit 1
  }
  read -r wall user sys rss < "$work/t"
  echo "$name $geo $wall $(awk "BEGIN { print $user + $sys }") $rss" | tee -a "$work/times"
}
: > "$work/times"
for i in $(seq "$runs"); do
  echo "== round $i"
  run goaccess on goaccess "$log" --log-format=COMBINED --no-progress --geoip-database="$db" -o "$work/goaccess.json"
  run goaccess off goaccess "$log" --log-format=COMBINED --no-progress -o "$work/goaccess.json"
  run logswan on logswan -g -d "$db" "$log"
  run logswan off logswan "$log"
  run fsmg-stats on "$ours" "$log" --geoip-db "$db" --format json -q
  run fsmg-stats off "$ours" "$log" --no-geoip --format json -q
done

python3 - "$work/times" <<'EOF'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
med = {}
for tool in ("goaccess", "logswan", "fsmg-stats"):
    for geo in ("on", "off"):
        r = [x for x in rows if x[0] == tool and x[1] == geo]
        med[tool, geo] = [statistics.median(float(x[i]) for x in r) for i in (2, 3, 4)]
print(f"\n{'tool':<11} {'geo':<4} {'wall (median)':>14} {'CPU':>8} {'peak RSS':>10}")
for (tool, geo), (wall, cpu, rss) in med.items():
    print(f"{tool:<11} {geo:<4} {wall:>12.2f} s {cpu:>6.2f} s {rss / 1024:>7.0f} MB")
for geo in ("on", "off"):
    ga, ls, us = med["goaccess", geo], med["logswan", geo], med["fsmg-stats", geo]
    print(f"geo {geo}: {ga[0] / us[0]:.1f}x GoAccess's wall time; "
          f"{us[0] / ls[0]:.2f}x logswan's wall, {us[1] / ls[1]:.2f}x its CPU")
EOF

gzip -1 -c "$log" > "$log.gz"
echo "== .gz against the plain file (geo off)"
for i in $(seq "$runs"); do
  run plain off "$ours" "$log" --no-geoip --format json -q
  run gz off "$ours" "$log.gz" --no-geoip --format json -q
done
python3 - "$work/times" <<'EOF'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
wall = {t: statistics.median(float(x[2]) for x in rows if x[0] == t) for t in ("plain", "gz")}
print(f".gz: {wall['gz']:.2f} s against {wall['plain']:.2f} s plain ({wall['gz'] / wall['plain']:.2f}x)")
EOF
python3 .ci/goaccess-crosscheck.py "$ours" "$log"
