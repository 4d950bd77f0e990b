#!/bin/bash
# BENCH=../shared/bench bash docs/bench/cpu-ab.sh ROUNDS OLD.jar NEW.jar [load.js arguments of the measured load]
# Proxy CPU µs per echo (utime+stime of the proxy over the measured load) and msgs/s; a fresh proxy per run, in turns.
R=$1; A=$2; Bj=$3; shift 3; ARGS=${*:---mode throughput --count 200000 --warmup 0}
B=${BENCH:?set BENCH to the shared benchmark folder}
node $B/echo-server.js --port 19481 > /dev/null 2>&1 & E=$!
for r in $(seq $R); do for lab in A B; do
  J=$A; [ $lab = B ] && J=$Bj
  rm -rf /tmp/cab-db; java -jar $J proxy --db /tmp/cab-db --ui 127.0.0.1:0 --route 127.0.0.1:19482=ws://127.0.0.1:19481 > /dev/null 2>&1 & P=$!
  for i in $(seq 100); do (echo > /dev/tcp/127.0.0.1/19482) 2>/dev/null && break; sleep 0.2; done
  node $B/load.js --url ws://127.0.0.1:19482/ --mode throughput --count 100000 > /dev/null 2>&1
  s=$(awk '{print $14+$15}' /proc/$P/stat)
  out=$(node $B/load.js --url ws://127.0.0.1:19482/ $ARGS 2>/dev/null)
  t=$(awk '{print $14+$15}' /proc/$P/stat)
  echo "$out" | python3 -c "
import json,sys; r=json.loads(sys.stdin.read()); n=r.get('count') or r.get('measured') or 200000
print('$lab', 'round $r', 'msgs/s', round(r.get('msgs_per_s',0)), 'cpu_us_per_msg', round(($t-$s)*10000/n,1), 'ok', r['ok'])"
  kill $P; wait $P 2>/dev/null
done; done
kill $E
