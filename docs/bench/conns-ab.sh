#!/bin/bash
# BENCH=../shared/bench bash docs/bench/conns-ab.sh A.jar B.jar OUT ROUNDS
# Two builds side by side: both proxies run at once (each with its own recording folder, one echo server), and bursts
# of 100 connections (50 messages of 256 B each, one at a time, as compare.sh's conns scenario) go to A, then B, then
# A... so that a slow spell of the shared machine hits both alike (runs of one build after the other moved by 20-40 %
# with the machine). WARM bursts each first (default 60). A_FLAGS and B_FLAGS: JVM options for either (-Dname=value).
# COUNT messages per connection (default 50; 1 measures what a connection itself costs). DEFLATE=1: with
# permessage-deflate, as compare.sh's DEFLATE=1.
# Prints, for each build, the medians over ROUNDS bursts and the CPU ticks (1/100 s) of its process over its measured
# bursts (the other proxy idles meanwhile), by thread.
A=$1; Bj=$2; OUT=$3; ROUNDS=$4; WARM=${WARM:-60}
B=${BENCH:?set BENCH to the shared benchmark folder}
rm -rf "$OUT"; mkdir -p "$OUT"
read -r EP PA PB < <(node -e 'const net=require("net");Promise.all([1,2,3].map(()=>new Promise(ok=>{const s=net.createServer()
  .listen(0,"127.0.0.1",()=>ok(s))}))).then(ss=>{console.log(ss.map(s=>s.address().port).join(" "));ss.forEach(s=>s.close())})')
node "$B/echo-server.js" --port "$EP" ${DEFLATE:+--deflate} > "$OUT/echo.log" 2>&1 & ECHO=$!
java ${A_FLAGS:-} -jar "$A" proxy --db "$OUT/db-a" --ui 127.0.0.1:0 --route "127.0.0.1:$PA=ws://127.0.0.1:$EP" > "$OUT/a.log" 2>&1 & PIDA=$!
java ${B_FLAGS:-} -jar "$Bj" proxy --db "$OUT/db-b" --ui 127.0.0.1:0 --route "127.0.0.1:$PB=ws://127.0.0.1:$EP" > "$OUT/b.log" 2>&1 & PIDB=$!
trap 'kill $ECHO $PIDA $PIDB 2>/dev/null; wait' EXIT
for p in $PA $PB; do for i in $(seq 300); do (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null && break; sleep 0.2; done; done
burst() { node "$B/load.js" --url "ws://127.0.0.1:$1/" --mode conns --conns 100 --count "${COUNT:-50}" --size 256 --warmup 0 ${DEFLATE:+--deflate} 2>/dev/null; }
for i in $(seq "$WARM"); do burst $PA > /dev/null; burst $PB > /dev/null; done
ticks() { # PID: each thread name's utime+stime
  for t in /proc/$1/task/*; do echo "$(tr ' ' _ < "$t/comm") $(awk '{print $14+$15}' "$t/stat")"; done |
    awk '{a[$1]+=$2} END {for (k in a) print k, a[k]}' | sort
}
ticks $PIDA > "$OUT/a.before"; ticks $PIDB > "$OUT/b.before"
for i in $(seq "$ROUNDS"); do burst $PA >> "$OUT/a.jsonl"; burst $PB >> "$OUT/b.jsonl"; done
ticks $PIDA > "$OUT/a.after"; ticks $PIDB > "$OUT/b.after"
python3 - "$OUT" "$A" "$Bj" <<'PY'
import json, statistics, sys
out = sys.argv[1]
for side, jar in (('a', sys.argv[2]), ('b', sys.argv[3])):
    runs = [json.loads(l) for l in open(f'{out}/{side}.jsonl') if l.strip()]
    clean = sum(1 for r in runs if r['ok'] and r['lost'] == 0 and r['corrupted'] == 0)
    before = dict(l.split() for l in open(f'{out}/{side}.before'))
    after = dict(l.split() for l in open(f'{out}/{side}.after'))
    spent = {k: int(v) - int(before.get(k, 0)) for k, v in after.items()}
    top = sorted(spent.items(), key=lambda kv: -kv[1])[:6]
    print(f"{jar}: bursts {len(runs)} clean {clean} | msgs/s median {statistics.median(r['msgs_per_s'] for r in runs):.0f}"
          f" | connect p50 median {statistics.median(r['connect_ms']['p50'] for r in runs):.1f} ms"
          f" | CPU {sum(spent.values())} ticks: " + ', '.join(f'{k} {v}' for k, v in top))
PY
