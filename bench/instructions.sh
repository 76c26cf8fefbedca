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
# and the findings, and exits 1 when a scan did not end well (exit status not 0) or
# the binaries fetched different pages or found different findings: their counts
# would compare different work. Under valgrind the
# CPU reports no SHA extensions, so SHA-256 runs its portable code (about a fifth
# of the count, against ~2% of a native scan's time): compare counts with each
# other, not with a native profile. Fixed costs (start-up, the phone-number
# tables, the summary) are in the count; at 1,000 listings they are ~4% of it.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: bash bench/instructions.sh BINARY [BINARY ...]" >&2; exit 2; }
command -v valgrind > /dev/null || { echo "valgrind is not installed (apt install valgrind)" >&2; exit 2; }
for bin in "$@"; do
  [ -x "$bin" ] || { echo "$bin: not an executable file (build it first: cargo build --release)" >&2; exit 2; }
done
N=${BENCH_LISTINGS:-1000}
WEIGHT=${BENCH_WEIGHT:-real}
WORK=${BENCH_DIR:-target/bench/instructions}
rm -rf "$WORK"; mkdir -p "$WORK"
"$1" serve-demo --page-weight "$WEIGHT" --listings "$N" --write-targets "$WORK/targets" > "$WORK/server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do [ -f "$WORK/targets/marketplaces/bidbay.toml" ] && break; sleep 0.1; done
[ -f "$WORK/targets/marketplaces/bidbay.toml" ] || { echo "the demo market did not start: see $WORK/server.log" >&2; exit 1; }

# One binary's scan under callgrind, then its line of figures (also kept in
# DIR/figures: pages, findings). A scan that did not end well counts nothing.
count() {
  local bin=$1 dir=$2 code=0
  mkdir -p "$dir"
  valgrind --tool=callgrind --cache-sim=no --fair-sched=yes --callgrind-out-file="$dir/callgrind.out" \
    "$bin" -q scan --targets "$WORK/targets" --store "$dir/store" --summary "$dir/summary.json" \
    --benchmark-unthrottled --concurrency 32 > "$dir/scan.log" 2> "$dir/valgrind.log" || code=$?
  if [ "$code" -ne 0 ]; then
    echo "$bin: the scan exited $code, no count (see $dir/scan.log and $dir/valgrind.log)" >&2
    return 1
  fi
  python3 - "$bin" "$dir" <<'PY'
import json, re, sys
bin, dir = sys.argv[1], sys.argv[2]
s = json.load(open(f"{dir}/summary.json"))
ir = int(re.search(r"Collected : (\d+)", open(f"{dir}/valgrind.log").read()).group(1))
pages, findings = s["pages_fetched"], s.get("findings_new", "?")
print(f"{bin}: {pages} pages, {ir / pages / 1e6:.3f} M instructions a page, {findings} new findings")
open(f"{dir}/figures", "w").write(f"{pages} {findings}\n")
PY
}

i=0 failed=0
while [ $# -gt 0 ]; do
  i=$((i + 1)); count "$1" "$WORK/$i" & a=$!
  shift
  if [ $# -gt 0 ]; then i=$((i + 1)); count "$1" "$WORK/$i" & b=$!; shift; wait "$b" || failed=1; fi
  wait "$a" || failed=1
done
[ "$failed" -eq 0 ] || exit 1

# Counts of builds that read the market differently compare different work.
if [ "$(cat "$WORK"/*/figures | sort -u | wc -l)" -ne 1 ]; then
  echo "the binaries fetched different pages or found different findings (pages, findings: $(cat "$WORK"/*/figures | tr '\n' ';')): their counts compare different work" >&2
  exit 1
fi
