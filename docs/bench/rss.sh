#!/bin/bash
# The proxy's resident memory under one memory budget (issue 20, item 4): idle 10 s after start, then the peak
# (VmHWM) after 15 s of 1 KiB echoes on 8 connections (64 in flight each) and 5 s of two clients sending 10 MiB text
# messages (ui's flood_peer.py). Python websockets peers, not the shared benchmark.
#   bash docs/bench/rss.sh LABEL [proxy options, e.g. --memory 64MiB]   (JAVA_OPTS=-Xmx256m for a heap limit;
#   after mvn -B -q -pl ui -am package -DskipTests; needs python3-websockets)
set -u
LABEL=$1; shift
W=$(cd "$(dirname "$0")/../.." && pwd)
PEER=$W/ui/src/test/resources/peers/flood_peer.py
DB=$(mktemp -d /tmp/sb-rss-db.XXXX)
/usr/bin/python3 $PEER serve > /tmp/sb-up.$LABEL 2>&1 &
UP=$!
for i in $(seq 50); do [ -s /tmp/sb-up.$LABEL ] && break; sleep 0.1; done
PORT=$(head -1 /tmp/sb-up.$LABEL)
java ${JAVA_OPTS:-} -jar $W/ui/target/sockscope.jar proxy --db $DB --ui 127.0.0.1:0 --route 127.0.0.1:0=ws://127.0.0.1:$PORT "$@" > /tmp/sb-proxy.$LABEL 2>&1 &
PX=$!
for i in $(seq 300); do grep -q "relaying ws://" /tmp/sb-proxy.$LABEL && break; sleep 0.1; done
LISTEN=$(grep -o "relaying ws://[^ ]*" /tmp/sb-proxy.$LABEL | head -1 | sed 's/relaying //')
grep "memory budget" /tmp/sb-proxy.$LABEL
sleep 10
echo "$LABEL idle: $(grep -E 'VmRSS' /proc/$PX/status)"
timeout 60 /usr/bin/python3 $W/docs/bench/rss_load.py $LISTEN/load 8 15
timeout 60 /usr/bin/python3 $PEER flood $LISTEN/flood 5 & FL=$!; timeout 60 /usr/bin/python3 $PEER flood $LISTEN/flood 5; wait $FL
echo "$LABEL after load: $(grep -E 'VmRSS|VmHWM' /proc/$PX/status | tr '\n' ' ')"
kill -TERM $PX; wait $PX; kill $UP
tail -2 /tmp/sb-proxy.$LABEL
rm -rf $DB
