#!/bin/bash
# How the proxy's cost grows with concurrent sessions (issue 20, item 5): one proxy in front of the shared benchmark's
# echo server; for 1, 10 and 100 connections at once, the same 100 000 messages of 256 B in all, one in flight per
# connection; the proxy's CPU (utime + stime from /proc) and the recording folder's growth per message.
# BENCH=../shared/bench bash docs/bench/growth.sh      (after mvn -B -q package -DskipTests)
set -u
here=$(cd "$(dirname "$0")" && pwd)
B=${BENCH:?set BENCH to the shared benchmark folder}; J=${JAR:-$here/../../ui/target/sockscope.jar}
TOTAL=${TOTAL:-100000}
W=$(mktemp -d); cd "$W"
node $B/echo-server.js --port 19601 > echo.log 2>&1 & E=$!
java -jar $J proxy --db db --ui 127.0.0.1:0 --route 127.0.0.1:19602=ws://127.0.0.1:19601 > proxy.log 2>&1 & P=$!
trap 'kill $E $P 2>/dev/null' EXIT
for p in 19601 19602; do for i in $(seq 1 90); do (echo > /dev/tcp/127.0.0.1/$p) 2>/dev/null && break; sleep 1; done; done
node $B/load.js --url ws://127.0.0.1:19602/ --mode throughput --count 50000 --warmup 5000 > /dev/null 2>&1
hz=$(getconf CLK_TCK)
echo "| connections | messages | msgs/s | proxy CPU per message (µs) | recording growth per frame (bytes) |"
echo "| --- | --- | --- | --- | --- |"
for c in 1 10 100; do
  sleep 1 # the recorder writes what the last load left before the folder is measured
  cpu0=$(awk '{print $14+$15}' /proc/$P/stat); disk0=$(du -sb db | cut -f1)
  line=$(node $B/load.js --url ws://127.0.0.1:19602/ --mode conns --conns $c --count $((TOTAL / c)) --size 256 2>/dev/null)
  sleep 1
  cpu1=$(awk '{print $14+$15}' /proc/$P/stat); disk1=$(du -sb db | cut -f1)
  python3 - "$line" $c $cpu0 $cpu1 $disk0 $disk1 $hz <<'PY'
import json, sys
r = json.loads(sys.argv[1]); c, c0, c1, d0, d1, hz = (int(x) for x in sys.argv[2:])
n = r['verified']
print(f"| {c} | {n}{'' if r['ok'] else ' (NOT CLEAN)'} | {r['msgs_per_s']:.0f} | {(c1 - c0) / hz * 1e6 / n:.1f} | {(d1 - d0) / (2 * n):.0f} |")
PY
done
