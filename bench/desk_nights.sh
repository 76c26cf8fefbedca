# Sourced by the desk benchmarks: starts the review desk on $WORK/desk/store over
# $WORK/targets at 127.0.0.1:$PORT, lets it run the first night with nobody
# reading, then starts the second night in the background (its pid in $scan).
# Needs $BG (the brandguard binary) and the pids array of the calling script.
mkdir -p "$WORK/desk"
"$BG" -q serve --targets "$WORK/targets" --store "$WORK/desk/store" --listen "127.0.0.1:$PORT" > "$WORK/desk/serve.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 300); do [ -f "$WORK/desk/store/desk.json" ] && break; sleep 0.1; done
"$BG" -q scan --targets "$WORK/targets" --store "$WORK/desk/store" > /dev/null 2>&1 || true
cp "$WORK/desk/last-scan.json" "$WORK/desk/night1.json"
"$BG" -q scan --targets "$WORK/targets" --store "$WORK/desk/store" > /dev/null 2>&1 &
scan=$!
