#!/usr/bin/env bash
# Rendered captures: what the browser costs. Two figures, printed as a table:
#
# 1. A JavaScript storefront (`render = "always"`): the demo with every shopusa item
#    page a script shell (`--fault shopusa=js-shell`) that fills in the listing after
#    load; rendered pages per minute and the browser's peak memory per tab (the
#    processes of the scan's Chromium, sampled every 0.2 s, divided by `[render] tabs`).
# 2. `render = "findings"` on a light demo market of RENDER_LISTINGS listings (10,000
#    by default), RENDER_COMPLIANT percent of them (92 by default) sold by an
#    authorised distributor at or above the floor, so about 5% of listings have
#    findings; findings confirmed on their first night (`[confirm] captures = 1`):
#    the scan's CPU (brandguard and the browser's processes) with and without it.
#
#   bash bench/render.sh
#   RENDER_LISTINGS=3000 RENDER_JS_LISTINGS=100 bash bench/render.sh
#   RENDER_JS_LISTINGS=0 bash bench/render.sh     # only the second part
#
# The demo runs as its own process; scans use `--benchmark-unthrottled` (loopback
# only), so the browser waits for no rate limit either.
set -euo pipefail
cd "$(dirname "$0")/.."
LISTINGS=${RENDER_LISTINGS:-10000}
JS_LISTINGS=${RENDER_JS_LISTINGS:-200}
COMPLIANT=${RENDER_COMPLIANT:-92}
WORK=${BENCH_DIR:-target/bench-render}
mkdir -p "$WORK"
cargo build --release --quiet --bin brandguard
BG=target/release/brandguard
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null || true' EXIT

json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }

# Starts a demo of $2 listings a site with extra args into $1/targets.
serve() {
  local dir=$1 per_site=$2; shift 2
  rm -rf "$dir"; mkdir -p "$dir"
  "$BG" serve-demo --page-weight light --listings "$per_site" --write-targets "$dir/targets" "$@" > "$dir/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 600); do [ -f "$dir/targets/marketplaces/bidbay.toml" ] && break; sleep 0.1; done
}

stop() { kill "$server"; wait "$server" 2>/dev/null || true; server=""; }

# Sets marketplace $2's render mode in targets folder $1.
render_mode() { sed -i "1i render = \"$3\"" "$1/targets/marketplaces/$2.toml"; }

# Peak summed RSS (MiB) of the processes whose command line names $1, sampled while
# process $2 runs.
peak_rss() {
  local needle=$1 pid=$2 peak=0 now
  while kill -0 "$pid" 2>/dev/null; do
    now=$(ps -eo rss=,args= | awk -v n="$needle" 'index($0, n) {s += $1} END {print int(s / 1024)}')
    [ "$now" -gt "$peak" ] && peak=$now
    sleep 0.2
  done
  echo "$peak"
}

rows=()

# 1. The JavaScript storefront.
if [ "$JS_LISTINGS" -gt 0 ]; then
dir="$WORK/js"
serve "$dir" "$JS_LISTINGS" --fault shopusa=js-shell
render_mode "$dir" shopusa always
render_mode "$dir" tmart never
render_mode "$dir" bidbay never
"$BG" -q scan --targets "$dir/targets" --store "$dir/store" --summary "$dir/summary.json" \
  --benchmark-unthrottled --concurrency 32 > "$dir/scan.log" 2>&1 &
scan=$!
# The browser's profile folder names the scan's pid.
mib=$(peak_rss "brandguard-browser-$scan-" "$scan")
wait "$scan" || true
stop
s="$dir/summary.json"
rendered=$(json "$s" "d['pages_rendered']")
secs=$(json "$s" "d['duration_secs']")
tabs=2
per_min=$(json "$s" "round(60 * d['pages_rendered'] / d['duration_secs'])")
cpu=$(json "$s" "round(d['usage']['cpu_secs'] + d['usage']['children_cpu_secs'], 1)")
browser_cpu=$(json "$s" "round(d['usage']['children_cpu_secs'], 1)")
failed=$(json "$s" "d['renders_failed']")
rows+=("| JS storefront, render = always | $rendered shopusa pages rendered in ${secs} s ($failed failed): **$per_min pages/min** with $tabs tabs | $cpu CPU s ($browser_cpu in the browser) | browser peak **$mib MiB**, $(( mib / tabs )) MiB per tab |")

fi

# 2. render = "findings" on a large market, with and without: the first night (every
#    finding new, so every flagged listing is rendered) and the next night (the market
#    served as it is a night later, on the same ports: only findings new that night
#    are rendered), into the same store.
per_site=$(( (LISTINGS + 2) / 3 ))
PORT=${RENDER_PORT:-18400}
for mode in never findings; do
  dir="$WORK/findings-$mode"
  for night in 0 1; do
    if [ "$night" = 0 ]; then
      serve "$dir" "$per_site" --compliant-percent "$COMPLIANT" --port "$PORT"
    else
      "$BG" serve-demo --page-weight light --listings "$per_site" --compliant-percent "$COMPLIANT" \
        --port "$PORT" --night 1 --write-targets "$dir/targets" > "$dir/server-1.log" 2>&1 &
      server=$!
      for _ in $(seq 1 600); do grep -q "^targets:" "$dir/server-1.log" 2>/dev/null && break; sleep 0.1; done
    fi
    printf '\n[confirm]\ncaptures = 1\n' >> "$dir/targets/brand.toml"
    s="$dir/summary-$night.json"
    "$BG" -q --render "$mode" scan --targets "$dir/targets" --store "$dir/store" \
      --summary "$s" --benchmark-unthrottled --concurrency 32 > "$dir/scan-$night.log" 2>&1 || true
    stop
    declare "cpu_${mode}_$night=$(json "$s" "d['usage']['cpu_secs'] + d['usage']['children_cpu_secs']")"
    listings=$(json "$s" "d['listings_seen']")
    rendered=$(json "$s" "d['pages_rendered']")
    secs=$(json "$s" "d['duration_secs']")
    cpu=$(json "$s" "round(d['usage']['cpu_secs'] + d['usage']['children_cpu_secs'], 1)")
    label=$([ "$night" = 0 ] && echo "first night" || echo "next night")
    rows+=("| $listings listings, render = $mode, $label | $rendered pages rendered ($(json "$s" "round(100 * d['pages_rendered'] / max(1, d['listings_seen']), 1)")% of listings), ${secs} s | $cpu CPU s | |")
  done
done
for night in 0 1; do
  never=cpu_never_$night findings=cpu_findings_$night
  added=$(python3 -c "print(round(100 * (${!findings} - ${!never}) / ${!never}, 1))")
  label=$([ "$night" = 0 ] && echo "first night" || echo "next night")
  rows+=("| render = findings adds, $label | | **$added%** CPU | |")
done

{
  echo "| run | what | CPU (brandguard + browser) | memory |"
  echo "|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
} | tee "$WORK/results.md"
