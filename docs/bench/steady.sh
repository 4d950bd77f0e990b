#!/bin/bash
# BENCH=../shared/bench bash docs/bench/steady.sh JAR [ROUNDS]
# Direct, nginx and a Sockscope warmed with 1.2 M echoes and 2 000 connections, interleaved; medians and ratios to nginx.
JAR=$1; R=${2:-3}; B=${BENCH:?set BENCH to the shared benchmark folder}; W=$(mktemp -d)
D=$W/ngx; mkdir -p $D/tmp; sed -e "s#@DIR@#$D#g" -e "s#@PORT@#19512#g" -e "s#@UPSTREAM@#19511#g" $B/peers/nginx.conf.in > $D/nginx.conf
node $B/echo-server.js --port 19511 > /dev/null 2>&1 & E=$!
nginx -p $D -e $D/error.log -c $D/nginx.conf & N=$!
java -jar $JAR proxy --db $W/db --ui 127.0.0.1:0 --route 127.0.0.1:19513=ws://127.0.0.1:19511 > $W/proxy.log 2>&1 & P=$!
trap 'kill $E $N $P 2>/dev/null' EXIT
for p in 19511 19512 19513; do for i in $(seq 100); do (echo > /dev/tcp/127.0.0.1/$p) 2>/dev/null && break; sleep 0.2; done; done
L() { node $B/load.js --url ws://127.0.0.1:$1/ --label $2 "${@:3}" 2>/dev/null >> $W/r.jsonl; }
# warm-up: Sockscope long (JIT), nginx short
for i in $(seq 6); do L 19513 warm --mode throughput --count 200000 --warmup 0; done
for i in $(seq 20); do L 19513 warm --mode conns --conns 100 --count 5 --size 256; done
for i in $(seq 3); do L 19513 warm --mode rtt --count 5000 --warmup 0 --size 256; done
L 19512 warm --mode throughput --count 100000; L 19512 warm --mode conns --conns 100 --count 5 --size 256
for r in $(seq $R); do for t in direct:19511 nginx:19512 sockscope:19513; do
  L ${t#*:} ${t%%:*} --mode throughput --count 100000 --warmup 5000
  L ${t#*:} ${t%%:*} --mode rtt --count 2000 --warmup 5000 --size 256
  L ${t#*:} ${t%%:*} --mode conns --conns 100 --count 50 --size 256
done; done
python3 - $W/r.jsonl <<'PY'
import json,statistics as st,sys
rs=[json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print('runs', len(rs), 'all ok', all(r['ok'] for r in rs))
def med(lab,mode,f):
    v=[f(r) for r in rs if r['label']==lab and r['mode']==mode]
    return st.median(v) if v else None
figs=[('msgs/s 1 KiB','throughput',lambda r:r['msgs_per_s']),('rtt p50 us','rtt',lambda r:r['latency_us']['p50']),
      ('rtt p99 us','rtt',lambda r:r['latency_us']['p99']),('conns msgs/s','conns',lambda r:r['msgs_per_s']),
      ('connect p50 ms','conns',lambda r:r['connect_ms']['p50'])]
for name,mode,f in figs:
    d,n,s=(med(l,mode,f) for l in ('direct','nginx','sockscope'))
    print(f'{name:16} direct {d:10.1f} nginx {n:10.1f} sockscope {s:10.1f} ratio {s/n:5.2f}')
PY
echo "$W"
