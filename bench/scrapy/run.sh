#!/bin/bash
# Scrapy against brandguard on one machine, the same day, the same demo pages.
#
#   bash bench/scrapy/run.sh [listings-per-marketplace] [rounds]
#
# Each round starts a fresh `serve-demo --page-weight real` market (6,667 listings per
# marketplace by default: the 20,001-listing market of issue 22), crawls it once with the
# Scrapy spider beside this script and once with `brandguard scan
# --benchmark-unthrottled --concurrency 32` (a fresh store), and prints each crawler's own
# CPU seconds (user + system, of its process alone; the demo server is another process)
# per 1,000 pages fetched and its peak RSS. Scrapy stores no evidence and judges nothing,
# so its figure is a lower bound for a Python crawler doing brandguard's work.
# Needs python3 with pip (Scrapy is installed for the user if missing) and GNU time.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
listings=${1:-6667}
rounds=${2:-1}
work=${BENCH_DIR:-/tmp/brandguard-scrapy-bench}
python3 -c 'import scrapy' 2>/dev/null || pip3 install --user --quiet scrapy
(cd "$root" && cargo build --release --quiet)
bg="${CARGO_TARGET_DIR:-$root/target}/release/brandguard"

serve() { # $1: folder; starts a demo market, waits for its targets
    rm -rf "$1"; mkdir -p "$1"
    "$bg" serve-demo --page-weight real --listings "$listings" --write-targets "$1/targets" \
        > "$1/server.log" 2>&1 &
    server=$!
    for _ in $(seq 1 600); do
        [ -f "$1/targets/marketplaces/bidbay.toml" ] && return 0
        sleep 0.1
    done
    echo "the demo server did not start: see $1/server.log" >&2; exit 1
}

for round in $(seq 1 "$rounds"); do
    serve "$work/scrapy"
    /usr/bin/time -f "%U %S %M" -o "$work/scrapy/time" \
        python3 "$here/spider.py" "$work/scrapy/targets" "$work/scrapy/items.jsonl" \
        > "$work/scrapy/log" 2>&1
    kill "$server"; wait "$server" 2>/dev/null || true
    pages=$(grep -o "'downloader/response_count': [0-9]*" "$work/scrapy/log" | grep -o '[0-9]*$')
    read -r user sys rss < "$work/scrapy/time"
    python3 -c "print('round $round scrapy     pages $pages cpu/1000 %.3f peak MiB %d' \
        % (1000 * ($user + $sys) / $pages, $rss / 1024))"

    serve "$work/brandguard"
    "$bg" -q scan --targets "$work/brandguard/targets" --store "$work/brandguard/store" \
        --summary "$work/brandguard/summary.json" --benchmark-unthrottled --concurrency 32 \
        > "$work/brandguard/log" 2>&1 || true
    kill "$server"; wait "$server" 2>/dev/null || true
    python3 - "$work/brandguard/summary.json" "$round" <<'PY'
import json, sys
summary = json.load(open(sys.argv[1]))
usage, pages = summary["usage"], summary["pages_fetched"]
print(f"round {sys.argv[2]} brandguard pages {pages} cpu/1000 "
      f"{1000 * usage['cpu_secs'] / pages:.3f} peak MiB {usage['peak_rss_mib']:.0f}")
PY
done
