#!/usr/bin/env bash
# The review desk under load: READERS people browsing (queue, cases, a case,
# distributors, scans) while the desk runs the night's scan of a LISTINGS-listing
# demo market. Prints each page's p50/p95/max time and the scan's throughput
# beside the same scan with nobody reading (a plain `brandguard scan`).
#
#   bash bench/desk_load.sh
#   DESK_LISTINGS=3000 DESK_READERS=20 bash bench/desk_load.sh
#
# Both stores get a first night without readers (the queue and cases the readers
# browse), then the measured second night. Both scans run at the marketplaces'
# rate limit raised to DESK_RATE requests/s a host (the desk runs the plain
# nightly scan, which has no unthrottled mode).
set -euo pipefail
cd "$(dirname "$0")/.."
LISTINGS=${DESK_LISTINGS:-10000}
READERS=${DESK_READERS:-50}
RATE=${DESK_RATE:-300}
WORK=${BENCH_DIR:-target/bench-desk}
PORT=${DESK_PORT:-18765}
rm -rf "$WORK"; mkdir -p "$WORK"
cargo build --release --quiet --bin brandguard
BG=$PWD/target/release/brandguard
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT

per_site=$(( (LISTINGS + 2) / 3 ))
"$BG" serve-demo --page-weight light --listings "$per_site" --write-targets "$WORK/targets" > "$WORK/demo.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 600); do [ -f "$WORK/targets/marketplaces/bidbay.toml" ] && break; sleep 0.1; done
sed -i "s/^rate_limit = .*/rate_limit = { per_second = $RATE.0, burst = 20 }/" "$WORK"/targets/marketplaces/*.toml

json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }

# Nobody reading: two nights of the plain scan.
mkdir -p "$WORK/alone"
"$BG" -q scan --targets "$WORK/targets" --store "$WORK/alone/store" --summary "$WORK/alone/night1.json" > /dev/null 2>&1 || true
"$BG" -q scan --targets "$WORK/targets" --store "$WORK/alone/store" --summary "$WORK/alone/night2.json" > /dev/null 2>&1 || true

# The desk: first night, then the second with READERS browsing.
# shellcheck source=bench/desk_nights.sh
source bench/desk_nights.sh
python3 - "$PORT" "$READERS" "$scan" "$(date +%Y-%m)" > "$WORK/desk/readers.txt" 2> "$WORK/desk/readers.err" <<'PY'
import os, random, re, sys, threading, time, urllib.request
port, readers, scan, period = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
base = f"http://127.0.0.1:{port}"
cases = re.findall(r'href="/cases/(C\d+)"', urllib.request.urlopen(base + "/cases").read().decode())
pages = {"queue": lambda: "/", "cases": lambda: "/cases",
         "case": lambda: "/cases/" + random.choice(cases),
         "distributors": lambda: "/distributors?period=" + period, "scans": lambda: "/scans"}
times = {k: [] for k in pages}
errors = []
def running():
    try:
        os.kill(scan, 0); return True
    except OSError:
        return False
def reader():
    while running():
        kind = random.choice(list(pages))
        t = time.monotonic()
        try:
            urllib.request.urlopen(base + pages[kind](), timeout=120).read()
            times[kind].append(time.monotonic() - t)
        except Exception as e:
            errors.append(f"{kind}: {e}")
threads = [threading.Thread(target=reader) for _ in range(readers)]
for t in threads: t.start()
for t in threads: t.join()
def pct(v, p):
    v = sorted(v); return v[min(len(v) - 1, int(p * len(v)))] if v else float("nan")
for k, v in times.items():
    print(f"| {k} | {len(v)} | {1000*pct(v, .5):.0f} ms | **{1000*pct(v, .95):.0f} ms** | {1000*max(v or [0]):.0f} ms |")
allv = [x for v in times.values() for x in v]
print(f"| all pages | {len(allv)} | {1000*pct(allv, .5):.0f} ms | **{1000*pct(allv, .95):.0f} ms** | {1000*max(allv or [0]):.0f} ms |")
print(f"{len(errors)} failed requests {errors[:3]}", file=sys.stderr)
PY
wait "$scan" || true
cp "$WORK/desk/last-scan.json" "$WORK/desk/night2.json"

a="$WORK/alone/night2.json"; d="$WORK/desk/night2.json"
{
  echo "Second night of a $(json "$a" "d['listings_seen']")-listing demo market at $RATE requests/s a host, $READERS readers during the desk's scan:"
  echo
  echo "| page | requests | p50 | p95 | max |"
  echo "|---|---|---|---|---|"
  cat "$WORK/desk/readers.txt"
  echo
  echo "Readers: $(tail -n 1 "$WORK/desk/readers.err")"
  echo
  echo "| scan | pages | seconds | pages/s | CPU s of the process (the desk's includes its pages) |"
  echo "|---|---|---|---|---|"
  for s in "$a" "$d"; do
    who=$([ "$s" = "$a" ] && echo "plain scan, nobody reading" || echo "desk scan, $READERS readers")
    echo "| $who | $(json "$s" "d['pages_fetched']") | $(json "$s" "round(d['duration_secs'], 1)") | $(json "$s" "round(d['pages_fetched'] / d['duration_secs'])") | $(json "$s" "round(d['usage']['cpu_secs'], 1)") |"
  done
} | tee "$WORK/results.md"
