#!/bin/bash
# BENCH=../shared/bench bash docs/bench/conns-warm.sh TARGET OUT ROUNDS
# Bursts of 100 connections (50 messages of 256 B each, one at a time, as compare.sh's conns scenario) against one
# long-running relay after WARM rounds (default 100) of the same, so that the JIT has compiled the connection path:
# the figures of a warm proxy. TARGET is a Sockscope jar, or "nginx" (the bench's nginx.conf.in, one worker).
# Prints the medians over ROUNDS measured rounds and writes OUT/threads.txt: the CPU ticks (1/100 s) each of the
# relay's threads spent over them (for nginx, its worker), read from /proc before and after.
TARGET=$1; OUT=$2; ROUNDS=$3; WARM=${WARM:-100}; COUNT=${COUNT:-50}
B=${BENCH:?set BENCH to the shared benchmark folder}
rm -rf "$OUT"; mkdir -p "$OUT/tmp"
EP=$((20000 + RANDOM % 1000)); PP=$((EP + 1000))
node "$B/echo-server.js" --port $EP > "$OUT/echo.log" 2>&1 & ECHO=$!
if [ "$TARGET" = nginx ]; then
  sed -e "s#@DIR@#$OUT#g" -e "s#@PORT@#$PP#g" -e "s#@UPSTREAM@#$EP#g" "$B/peers/nginx.conf.in" > "$OUT/nginx.conf"
  nginx -p "$OUT" -e "$OUT/error.log" -c "$OUT/nginx.conf" & RELAY=$!
else
  java -jar "$TARGET" proxy --db "$OUT/db" --route 127.0.0.1:$PP=ws://127.0.0.1:$EP > "$OUT/proxy.log" 2>&1 & RELAY=$!
fi
trap 'kill $ECHO $RELAY 2>/dev/null; wait' EXIT
for i in $(seq 150); do (exec 3<>/dev/tcp/127.0.0.1/$PP) 2>/dev/null && break; sleep 0.2; done
round() { node "$B/load.js" --url ws://127.0.0.1:$PP/ --mode conns --conns 100 --count $COUNT --size 256 --warmup 0 2>/dev/null; }
for i in $(seq $WARM); do round > /dev/null; done
ticks() {
  for t in /proc/$RELAY/task/* $(for c in $(pgrep -P $RELAY); do echo /proc/$c/task/*; done); do
    echo "$(tr ' ' _ < $t/comm) $(awk '{print $14+$15}' $t/stat)"
  done | awk '{a[$1]+=$2} END {for (k in a) print k, a[k]}' | sort
}
ticks > "$OUT/before.txt"
for i in $(seq $ROUNDS); do round >> "$OUT/runs.jsonl"; done
ticks > "$OUT/after.txt"
join -a2 "$OUT/before.txt" "$OUT/after.txt" | awk '{ if (NF==2) print $1, $2; else print $1, $3-$2 }' | sort -k2 -n -r > "$OUT/threads.txt"
python3 -c "
import json, statistics
rs = [json.loads(l) for l in open('$OUT/runs.jsonl')]
total = sum(int(l.split()[1]) for l in open('$OUT/threads.txt'))
print('$TARGET: rounds', len(rs), 'clean', sum(r['ok'] for r in rs), '| msgs/s median', statistics.median(r['msgs_per_s'] for r in rs),
      '| connect p50 median', statistics.median(r['connect_ms']['p50'] for r in rs), 'ms | CPU', total, 'ticks')"
