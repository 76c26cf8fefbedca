#!/usr/bin/env bash
# Instructions per page of a scan, counted by valgrind's callgrind: a figure that,
# unlike CPU seconds, does not move with the machine's load. This project's
# machines have no hardware counters, and their CPU times vary from run to run by
# more than most changes measured (±10-15% between two scans of one binary), so a
# change of a few percent cannot be shown by timing; it can by counting.
#
#   bash bench/instructions.sh OLD_BINARY NEW_BINARY ...   # each scans the same market
#   BENCH_LISTINGS=1000 BENCH_WEIGHT=real bash bench/instructions.sh target/release/brandguard
#
# Each binary scans one demo market (served by the first binary, BENCH_LISTINGS
# listings a marketplace, 3,080 pages at 1,000) into its own store, under
# callgrind, two at a time; it prints the pages fetched, the instructions per page
# and the findings (which must be the same for every binary). Under valgrind the
# CPU reports no SHA extensions, so SHA-256 runs its portable code (about a fifth
# of the count, against ~2% of a native scan's time): compare counts with each
# other, not with a native profile. Fixed costs (start-up, the phone-number
# tables, the summary) are in the count; at 1,000 listings they are ~4% of it.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: bash bench/instructions.sh BINARY [BINARY ...]" >&2; exit 2; }
command -v valgrind > /dev/null || { echo "valgrind is not installed (apt install valgrind)" >&2; exit 2; }
N=${BENCH_LISTINGS:-1000}
WEIGHT=${BENCH_WEIGHT:-real}
WORK=${BENCH_DIR:-target/bench/instructions}
rm -rf "$WORK"; mkdir -p "$WORK"
"$1" serve-demo --page-weight "$WEIGHT" --listings "$N" --write-targets "$WORK/targets" > "$WORK/server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do [ -f "$WORK/targets/marketplaces/bidbay.toml" ] && break; sleep 0.1; done

# One binary's scan under callgrind, then its line of figures.
count() {
  local bin=$1 dir=$2
  mkdir -p "$dir"
  valgrind --tool=callgrind --cache-sim=no --fair-sched=yes --callgrind-out-file="$dir/callgrind.out" \
    "$bin" -q scan --targets "$WORK/targets" --store "$dir/store" --summary "$dir/summary.json" \
    --benchmark-unthrottled --concurrency 32 > "$dir/scan.log" 2> "$dir/valgrind.log"
  python3 - "$bin" "$dir" <<'PY'
import json, re, sys
bin, dir = sys.argv[1], sys.argv[2]
s = json.load(open(f"{dir}/summary.json"))
ir = int(re.search(r"Collected : (\d+)", open(f"{dir}/valgrind.log").read()).group(1))
pages = s["pages_fetched"]
print(f"{bin}: {pages} pages, {ir / pages / 1e6:.3f} M instructions a page, "
      f"{s.get('findings_new', '?')} new findings")
PY
}

i=0
while [ $# -gt 0 ]; do
  i=$((i + 1)); count "$1" "$WORK/$i" & a=$!
  shift
  if [ $# -gt 0 ]; then i=$((i + 1)); count "$1" "$WORK/$i" & b=$!; shift; wait "$b"; fi
  wait "$a"
done
