#!/usr/bin/env bash
# The review desk while it scans a slow marketplace: one person at the desk opens
# the queue, the case list, a case, the scorecards, a distributor's report, the
# scans page and runs `brandguard case list`, once a second each, for the whole
# second night. Prints every page's p50/p95/max (the issue's bar: under 1 s each).
#
#   bash bench/desk_slow.sh
#   SLOW_LISTINGS=300 SLOW_FAULT=tmart=slow:300 bash bench/desk_slow.sh
#
# A demo market of SLOW_LISTINGS listings a site (light pages), one site slowed by
# SLOW_FAULT (every response held that many ms); the first night is scanned with
# nobody reading, the second is the desk's scan, sampled as it runs.
set -euo pipefail
cd "$(dirname "$0")/.."
LISTINGS=${SLOW_LISTINGS:-300}
FAULT=${SLOW_FAULT:-tmart=slow:300}
WORK=${BENCH_DIR:-target/bench-desk-slow}
PORT=${DESK_PORT:-18766}
rm -rf "$WORK"; mkdir -p "$WORK"
cargo build --release --quiet --bin brandguard
BG=$PWD/target/release/brandguard
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT

"$BG" serve-demo --page-weight light --listings "$LISTINGS" --fault "$FAULT" --write-targets "$WORK/targets" > "$WORK/demo.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 600); do [ -f "$WORK/targets/marketplaces/bidbay.toml" ] && break; sleep 0.1; done

# shellcheck source=bench/desk_nights.sh
source bench/desk_nights.sh
python3 - "$PORT" "$scan" "$(date +%Y-%m)" "$BG" "$WORK/desk/store" > "$WORK/desk/pages.txt" <<'PY'
import os, re, subprocess, sys, time, urllib.request
port, scan, period, bg, store = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
base = f"http://127.0.0.1:{port}"
get = lambda p: urllib.request.urlopen(base + p, timeout=120).read().decode("utf-8", "replace")
cases = re.findall(r'href="/cases/(C\d+)"', get("/cases"))
dists = sorted(set(re.findall(r'href="/distributors/([^/"]+)/report', get("/distributors?period=" + period))))
def running():
    try:
        os.kill(scan, 0); return True
    except OSError:
        return False
def cli():
    out = subprocess.run([bg, "-q", "case", "list", "--store", store], capture_output=True)
    if out.returncode != 0:
        raise RuntimeError(out.stderr.decode()[:200])
steps = {
    "queue": lambda i: get("/"),
    "cases (list)": lambda i: get("/cases"),
    "a case": lambda i: get("/cases/" + cases[i % len(cases)]),
    "distributors": lambda i: get("/distributors?period=" + period),
    "a distributor's report (zip)": lambda i: get(f"/distributors/{dists[i % len(dists)]}/report?period={period}") if dists else None,
    "scans": lambda i: get("/scans"),
    "`brandguard case list`": lambda i: cli(),
}
times = {k: [] for k in steps}
errors = []
i = 0
started = time.monotonic()
while running():
    tick = time.monotonic()
    for k, step in steps.items():
        t = time.monotonic()
        try:
            step(i)
            times[k].append(time.monotonic() - t)
        except Exception as e:
            errors.append(f"{k}: {e}")
    i += 1
    time.sleep(max(0.0, 1.0 - (time.monotonic() - tick)))
def pct(v, p):
    v = sorted(v); return v[min(len(v) - 1, int(p * len(v)))] if v else float("nan")
print(f"{i} rounds in {time.monotonic() - started:.0f} s of the scan, {len(errors)} failed {errors[:3]}")
print()
print("| during the desk's scan | times | p50 | p95 | max |")
print("|---|---|---|---|---|")
for k, v in times.items():
    print(f"| {k} | {len(v)} | {1000*pct(v, .5):.0f} ms | {1000*pct(v, .95):.0f} ms | **{1000*max(v or [0]):.0f} ms** |")
PY
wait "$scan" || true
cp "$WORK/desk/last-scan.json" "$WORK/desk/night2.json"
python3 - "$WORK/desk/night2.json" "$FAULT" "$LISTINGS" <<'PY' | tee "$WORK/results.md"
import json, sys
d = json.load(open(sys.argv[1]))
print(f"Second night, {d['listings_seen']} listings ({sys.argv[3]} a site, {sys.argv[2]}): the desk's scan took {d['duration_secs']:.0f} s for {d['pages_fetched']} pages.")
print()
PY
cat "$WORK/desk/pages.txt" | tee -a "$WORK/results.md"
