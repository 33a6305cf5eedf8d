#!/usr/bin/env bash
# Times GoAccess 1.7 and fsmg-stats on the same generated 2M-line combined log, checks that
# they report the same numbers, and prints peak RSS. Figures go to BENCHMARKS.md.
#
#   benches/vs-goaccess.sh [LINES]      # needs goaccess (apt-get install goaccess)
set -euo pipefail
cd "$(dirname "$0")/.."
lines=${1:-2000000}
work=${BENCH_DIR:-$(mktemp -d)}
cargo build --release --workspace --quiet
log="$work/bench.log"
[ -f "$log" ] || ./target/release/fsmg-loggen single "$log" --lines "$lines" --truth "$work/truth.json"
ls -l "$log"
t() { /usr/bin/time -f "%e s wall, %M KB peak RSS" "$@"; }
echo "== goaccess"; t goaccess "$log" --log-format=COMBINED --no-progress -o "$work/goaccess.json"
for i in 1 2 3; do echo "== fsmg-stats ($i)"; t ./target/release/fsmg-stats "$log" --format json -q > "$work/ours.json"; done
gzip -1 -c "$log" > "$log.gz"
echo "== zcat"; t sh -c "zcat '$log.gz' > /dev/null"
echo "== fsmg-stats on .gz"; t ./target/release/fsmg-stats "$log.gz" --format json -q > /dev/null
python3 .ci/goaccess-crosscheck.py target/release/fsmg-stats "$log"
