#!/usr/bin/env bash
# Compares what two brandguard binaries write for the demo: findings.csv,
# scorecards.csv, violations.csv and the packets' form.json, listings.csv and API
# bodies, after `demo` and after `demo --nights 14`.
# Used to show a refactoring changed no behaviour:
#
#   git stash; cargo build --release; cp target/release/brandguard /tmp/bg-before
#   git stash pop; cargo build --release
#   bench/same-demo-output.sh /tmp/bg-before target/release/brandguard
#
# What differs between any two runs of the same binary is normalised away: the
# demo's loopback ports (picked free each run) and the evidence log's sequence
# numbers (the order concurrent fetches are acknowledged in). Rows are sorted.
set -euo pipefail
old=${1:?usage: same-demo-output.sh OLD_BINARY NEW_BINARY}
new=${2:?usage: same-demo-output.sh OLD_BINARY NEW_BINARY}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

normalise() { # file: ports → PORT; capture_log_seq column blanked; rows sorted
  local header
  header=$(head -1 "$1")
  local col
  col=$(tr ',' '\n' <<<"$header" | grep -nx 'capture_log_seq' | cut -d: -f1 || true)
  echo "$header"
  tail -n +2 "$1" | sed -E 's/127\.0\.0\.1:[0-9]+/127.0.0.1:PORT/g' |
    if [[ -n "$col" ]]; then python3 -c "
import csv, sys
w = csv.writer(sys.stdout, lineterminator='\n')
for row in csv.reader(sys.stdin):
    row[$col - 1] = ''
    w.writerow(row)"; else cat; fi | LC_ALL=C sort
}

status=0
for nights in 1 14; do
  for bin in old new; do
    exe=${!bin}
    "$exe" -q demo --nights "$nights" --out "$work/$bin-$nights" >"$work/$bin-$nights.log" 2>&1 || true
  done
  for f in findings.csv report/scorecards.csv report/violations.csv; do
    if diff <(normalise "$work/old-$nights/$f") <(normalise "$work/new-$nights/$f") >"$work/diff"; then
      echo "same: demo --nights $nights: $f"
    else
      echo "DIFFERENT: demo --nights $nights: $f"; head -20 "$work/diff"; status=1
    fi
  done
  # Packets: what each form says (form.json, API bodies, listings.csv); covers and
  # manifests carry the time they were built.
  for f in $(cd "$work/old-$nights/packets" && find . -path '*.partial' -prune -o \( -name form.json -o -name listings.csv -o -path '*/api/*' \) -type f -print | sort); do
    if diff <(sed -E 's/127\.0\.0\.1:[0-9]+/127.0.0.1:PORT/g' "$work/old-$nights/packets/$f") \
            <(sed -E 's/127\.0\.0\.1:[0-9]+/127.0.0.1:PORT/g' "$work/new-$nights/packets/$f" 2>/dev/null) >"$work/diff"; then
      packets_same=$((${packets_same:-0} + 1))
    else
      echo "DIFFERENT: demo --nights $nights: packets/$f"; head -20 "$work/diff"; status=1
    fi
  done
  echo "same: demo --nights $nights: ${packets_same:-0} packet files (form.json, listings.csv, api/)"
  packets_same=0
done
exit $status
