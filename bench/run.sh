#!/usr/bin/env bash
# brandguard's performance benchmarks: end-to-end scans of a large demo marketplace,
# memory at two sizes, the compliance report over a million observations, and the
# start-up a scheduler pays. Prints a table and writes it to bench/results.md.
#
#   bash bench/run.sh                      # 10,000 and 100,000 listings, 10 nights
#   BENCH_LISTINGS="3000 30000" bash bench/run.sh
#   BENCH_WEIGHTS="real:20000 heavy:600"   pages of real weight (default as shown)
#
# The demo marketplace runs as a separate process (`brandguard serve-demo`), so its
# cost is not counted as the scanner's. Scans use `--benchmark-unthrottled`, which
# lifts rate limits and is refused for anything but loopback addresses. Figures come
# from the run summaries (getrusage: CPU seconds, peak RSS) and the shell's clock.
set -euo pipefail
cd "$(dirname "$0")/.."
LISTINGS=${BENCH_LISTINGS:-"10000 100000"}
WEIGHTS=${BENCH_WEIGHTS:-"real:20000 heavy:600"}
NIGHTS=${BENCH_NIGHTS:-10}
CONCURRENCY=${BENCH_CONCURRENCY:-32}
WORK=${BENCH_DIR:-target/bench}
mkdir -p "$WORK"
cargo build --release --quiet --bin brandguard --example replay_store
BG=target/release/brandguard
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null || true' EXIT

json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }

rows=()
declare -A rss
last_store=""

# One scan of a demo market of N listings at page weight W, served by its own
# process, into DIR: adds a table row ("LABEL") and sets `peak` (MiB).
scan_row() {
  local n=$1 weight=$2 dir=$3 label=$4
  local per_site=$(( (n + 2) / 3 ))
  rm -rf "$dir"; mkdir -p "$dir"
  "$BG" serve-demo --page-weight "$weight" --listings "$per_site" --write-targets "$dir/targets" > "$dir/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 600); do [ -f "$dir/targets/marketplaces/bidbay.toml" ] && break; sleep 0.1; done
  "$BG" -q scan --targets "$dir/targets" --store "$dir/store" --summary "$dir/summary.json" \
    --benchmark-unthrottled --concurrency "$CONCURRENCY" > "$dir/scan.log"
  kill "$server"; wait "$server" 2>/dev/null || true; server=""
  local s="$dir/summary.json" pages secs listings pps cpu cpuk snap disk
  pages=$(json "$s" "d['pages_fetched']")
  secs=$(json "$s" "d['duration_secs']")
  listings=$(json "$s" "d['listings_seen']")
  pps=$(json "$s" "round(d['pages_fetched']/d['duration_secs'])")
  cpu=$(json "$s" "round(d['usage']['cpu_secs'],1)")
  cpuk=$(json "$s" "round(1000*d['usage']['cpu_secs']/d['pages_fetched'],2)")
  peak=$(json "$s" "round(d['usage']['peak_rss_mib'])")
  snap=$(json "$s" "round(d['snapshot_bytes_stored']/1048576,1)")
  disk=$(du -sm "$dir/store" | cut -f1)
  rows+=("| scan, $listings listings, $label | $pages pages in ${secs} s: **$pps pages/s** | $cpu CPU s ($cpuk per 1,000 pages) | **$peak MiB** | snapshots $snap MiB, store $disk MiB |")
}

for n in $LISTINGS; do
  dir="$WORK/scan-$n"
  scan_row "$n" light "$dir" "light pages (~1 KB)"
  rss[$n]=$peak
  last_store="$dir/store"; last_targets="$dir/targets"
done

# Pages of real weight: item pages of 15-40 KB (real) or 300 KB-1.5 MB (heavy) with a
# marketplace's furniture around the listing, 48 or 60 results a search page.
for wn in $WEIGHTS; do
  weight=${wn%%:*}; n=${wn#*:}
  scan_row "$n" "$weight" "$WORK/scan-$weight-$n" "$weight pages"
done

set -- $LISTINGS
if [ $# -ge 2 ]; then
  small=${rss[$1]}; big=${rss[${!#}]}
  ratio=$(python3 -c "print(round($big/$small,2))")
  rows+=("| memory ratio | peak RSS at ${!#} / at $1 listings | | **${ratio}×** | goal ≤ 1.5× |")
fi

# The compliance report over NIGHTS nights of the largest scan, replayed. (The folder
# name carries the store layout: a store replayed by an older build is not reused.)
rep="$WORK/report-store-rows-$NIGHTS"
if [ ! -f "$rep/.complete" ]; then
  rm -rf "$rep"
  obs=$(target/release/examples/replay_store "$last_store" "$rep" "$NIGHTS" 2>/dev/null)
  echo "$obs" > "$rep/.complete"
fi
obs=$(cat "$rep/.complete")
report_once() {
  local t0 t1
  t0=$(date +%s.%N)
  "$BG" report compliance --period 2026-11 --targets "$last_targets" --store "$rep" --out "$WORK/report" > "$WORK/report.out"
  t1=$(date +%s.%N)
  python3 -c "print(round($t1-$t0,1))"
}
# Cold: the store read from disk, as a report run the morning after meets it. Dropping
# the page cache needs root; elsewhere the cold figure is left out.
cold="cold: n/a (dropping the page cache needs root)"
if [ -w /proc/sys/vm/drop_caches ]; then
  sync; echo 3 > /proc/sys/vm/drop_caches
  cold="cold $(report_once) s"
fi
# Warm: three runs from the page cache, the best of the last two.
walls=()
for run in 1 2 3; do
  walls+=("$(report_once)")
done
cost=$(grep "^cost:" "$WORK/report.out")
best=$(printf '%s\n' "${walls[@]:1}" | sort -n | head -1)
rows+=("| report compliance, $obs observations | **${best} s** wall warm, **$cold** | ${cost#cost: } (warm) | | goal < 10 s |")

# Start-up: what a scheduler pays before work starts.
t0=$(date +%s.%N)
for _ in $(seq 1 20); do "$BG" check --targets targets/demo > /dev/null; done
t1=$(date +%s.%N)
ms=$(python3 -c "print(round(($t1-$t0)/20*1000,1))")
rows+=("| check --targets targets/demo | **$ms ms** per run (mean of 20) | | | |")

{
  echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -sr), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)."
  echo
  echo "| benchmark | throughput / time | CPU | peak RSS | notes |"
  echo "|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
} | tee bench/results.md
