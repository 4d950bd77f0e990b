#!/bin/bash
# BENCH=../shared/bench bash docs/bench/conns-timeline.sh JAR OUT
# Replays compare.sh's sequence against one Sockscope proxy (its warm-up, then five rounds of rtt, throughput, big and
# conns) under a system-wide `perf record` (software cpu-clock, so it works where hardware counters are not offered),
# and prints, for each conns run, the CPU samples of each thread on the machine: what the proxy's threads (relay,
# recorder, compilers, GC) and everything else (the load's node processes, kernel threads) did while compare.sh measured.
# Needs perf (Debian's linux-perf) and root or kernel.perf_event_paranoid <= 0 for -a. Samples at 1999 Hz per CPU.
JAR=$1; OUT=$2
B=${BENCH:?set BENCH to the shared benchmark folder}
rm -rf "$OUT"; mkdir -p "$OUT"
read -r EP PP < <(node -e 'const net=require("net");Promise.all([1,2].map(()=>new Promise(ok=>{const s=net.createServer()
  .listen(0,"127.0.0.1",()=>ok(s))}))).then(ss=>{console.log(ss.map(s=>s.address().port).join(" "));ss.forEach(s=>s.close())})')
setsid node "$B/echo-server.js" --port "$EP" > "$OUT/echo.log" 2>&1 & ECHO=$!
setsid java -jar "$JAR" proxy --db "$OUT/db" --route "127.0.0.1:$PP=ws://127.0.0.1:$EP" > "$OUT/proxy.log" 2>&1 & PROXY=$!
trap 'kill -TERM -- -$ECHO -$PROXY 2>/dev/null; [ -n "${PERF:-}" ] && kill -INT $PERF 2>/dev/null; wait' EXIT
for i in $(seq 300); do (exec 3<>/dev/tcp/127.0.0.1/$PP) 2>/dev/null && break; sleep 0.2; done
load() { node "$B/load.js" --url "ws://127.0.0.1:$PP/" "$@" 2>/dev/null | tail -1; }
now() { date +%s%N; }
# compare.sh's warm-up of a target
load --mode rtt --size 64 --count 200 --warmup 0 --text --subprotocol bench.v1 > /dev/null
load --mode throughput --size 1024 --count 10000 --warmup 0 > /dev/null
load --mode conns --conns 100 --count 5 --size 256 --warmup 0 > /dev/null
perf record -a -k CLOCK_REALTIME -F 1999 -e cpu-clock -o "$OUT/perf.data" > "$OUT/perf.log" 2>&1 & PERF=$!
: > "$OUT/windows.txt"
for r in 1 2 3 4 5; do
  load --mode rtt --size 256 --count 2000 > /dev/null
  load --mode throughput --size 1024 --count 50000 --window 64 > /dev/null
  load --mode big --size 1048576 --count 50 > /dev/null
  t0=$(now); load --mode conns --size 256 --conns 100 --count 50 > "$OUT/conns$r.json"; t1=$(now)
  echo "$t0 $t1" >> "$OUT/windows.txt"
done
kill -INT $PERF; wait $PERF; PERF=
perf script -i "$OUT/perf.data" -F comm,pid,time 2>/dev/null > "$OUT/samples.txt"
python3 - "$OUT" "$PROXY" <<'PY'
import collections, json, re, sys
out, proxy = sys.argv[1], sys.argv[2]
wins = [tuple(int(x) / 1e9 for x in l.split()) for l in open(out + '/windows.txt')]
per = [collections.Counter() for _ in wins]
for line in open(out + '/samples.txt'):
    m = re.match(r'\s*(.+?)\s+(\d+)\s+([\d.]+):', line)
    if not m:
        continue
    comm, pid, t = m.group(1), m.group(2), float(m.group(3))
    for i, (a, b) in enumerate(wins):
        if a <= t <= b:
            name = re.sub(r'\d+', 'N', comm.strip())
            per[i][('proxy: ' if pid == proxy else '') + ('idle' if comm == 'swapper' else name)] += 1
keys = sorted({k for c in per for k in c}, key=lambda k: -sum(c[k] for c in per))[:16]
print('CPU samples per conns run (1999 Hz per CPU, 2 CPUs), compare.sh order:')
print(f"{'thread':32s}" + ''.join(f"{'run ' + str(i + 1):>9s}" for i in range(len(per))))
for k in keys:
    print(f"{k[:32]:32s}" + ''.join(f"{c[k]:9d}" for c in per))
for i in range(len(per)):
    r = json.load(open(f'{out}/conns{i + 1}.json'))
    print(f"run {i + 1}: {r['msgs_per_s']} msgs/s, connect p50 {r['connect_ms']['p50']} ms")
PY
