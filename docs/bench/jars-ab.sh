#!/bin/bash
# Interleaved A/B of two builds of the proxy (JA, JB) in front of one echo server of the shared benchmark:
# the 1 KiB throughput load and the 100-connection load against each in turn, N rounds (8 by default), medians.
# BENCH=../shared/bench JA=old.jar JB=ui/target/sockscope.jar N=8 bash docs/bench/jars-ab.sh
set -u
B=${BENCH:?set BENCH to the shared benchmark folder}; : "${JA:?set JA to the first jar}" "${JB:?set JB to the second jar}"
W=$(mktemp -d); cd $W; : > results.jsonl
node $B/echo-server.js --port 19501 > echo.log 2>&1 & E=$!
java -jar $JA proxy --db dbA --ui 127.0.0.1:0 --route 127.0.0.1:19502=ws://127.0.0.1:19501 > a.log 2>&1 & A=$!
java -jar $JB proxy --db dbB --ui 127.0.0.1:0 --route 127.0.0.1:19503=ws://127.0.0.1:19501 > b.log 2>&1 & Bp=$!
trap 'kill $E $A $Bp 2>/dev/null' EXIT
for p in 19501 19502 19503; do for i in $(seq 1 90); do (echo > /dev/tcp/127.0.0.1/$p) 2>/dev/null && break; sleep 1; done; done
for t in A:19502 B:19503; do node $B/load.js --url ws://127.0.0.1:${t#*:}/ --label ${t%%:*} --mode throughput --count 20000 --warmup 5000 >/dev/null 2>&1; done
for r in $(seq 1 ${N:-8}); do
  for t in A:19502 B:19503; do
    node $B/load.js --url ws://127.0.0.1:${t#*:}/ --label ${t%%:*} --mode throughput --count 50000 --warmup 2000 >> results.jsonl 2>/dev/null
    node $B/load.js --url ws://127.0.0.1:${t#*:}/ --label ${t%%:*} --mode conns --conns 100 --count 50 --size 256 >> results.jsonl 2>/dev/null
  done
done
python3 - $W/results.jsonl <<'PY'
import json,statistics as st,sys
rs=[json.loads(l) for l in open(sys.argv[1]) if l.strip()]
for mode,key in (('throughput','msgs_per_s'),('conns','msgs_per_s'),('conns','connect')):
    for lab in ('A','B'):
        v=[(r['connect_ms']['p50'] if key=='connect' else r[key]) for r in rs if r['mode']==mode and r['label']==lab and r['ok']]
        print(mode,key,lab,len(v),round(st.median(v),1),round(st.mean(v),1))
print(all(r['ok'] for r in rs))
PY
