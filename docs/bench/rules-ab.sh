#!/bin/bash
# Interleaved A/B: sockscope without rules vs with a never-matching rules file, same echo server, same jar.
set -u
here=$(cd "$(dirname "$0")" && pwd)
B=${BENCH:?set BENCH to the shared benchmark folder}; J=${JAR:-$here/../../ui/target/sockscope.jar}; R=$here/../examples/rules/never-matches.yaml
W=$(mktemp -d); cd "$W"; echo "results: $W/results.jsonl" >&2; : > results.jsonl
node $B/echo-server.js --port 19401 > echo.log 2>&1 & E=$!
java -jar $J proxy --db dbA --ui 127.0.0.1:0 --route 127.0.0.1:19402=ws://127.0.0.1:19401 > a.log 2>&1 & A=$!
java -jar $J proxy --db dbB --ui 127.0.0.1:0 --rules $R --route 127.0.0.1:19403=ws://127.0.0.1:19401 > b.log 2>&1 & Bp=$!
trap 'kill $E $A $Bp 2>/dev/null' EXIT
for p in 19401 19402 19403; do for i in $(seq 1 90); do (echo > /dev/tcp/127.0.0.1/$p) 2>/dev/null && break; sleep 1; done; done
for t in norules:19402 rules:19403; do node $B/load.js --url ws://127.0.0.1:${t#*:}/ --label ${t%%:*} --mode throughput --count 20000 --warmup 5000 >/dev/null 2>&1; done
for r in $(seq 1 ${N:-8}); do # N rounds, each target in turn
  for t in norules:19402 rules:19403; do
    node $B/load.js --url ws://127.0.0.1:${t#*:}/ --label ${t%%:*} --mode throughput --count 50000 --warmup 2000 >> results.jsonl 2>/dev/null
    node $B/load.js --url ws://127.0.0.1:${t#*:}/ --label ${t%%:*} --mode rtt --count 2000 --warmup 2000 --size 256 >> results.jsonl 2>/dev/null
  done
done
python3 - "$W/results.jsonl" <<'PY'
import json, statistics as st, sys
rs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
for mode, key in (('throughput', 'msgs_per_s'), ('rtt', 'p50'), ('rtt', 'p99')):
    for lab in ('norules', 'rules'):
        v = [r[key] if key == 'msgs_per_s' else r['latency_us'][key] for r in rs if r['mode'] == mode and r['label'] == lab and r['ok']]
        print(mode, key, lab, 'runs', len(v), 'median', round(st.median(v), 1), 'mean', round(st.mean(v), 1))
print('all clean' if all(r['ok'] for r in rs) else 'NOT ALL CLEAN', sum(r['verified'] for r in rs), 'echoes verified')
PY
