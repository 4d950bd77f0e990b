#!/bin/bash
# The resident memory of a command while it runs: a line twice a second with its VmRSS and VmHWM (kB, from
# /proc/PID/status), read with bash builtins so that the sampling forks nothing. For compare.sh's PROXY_CMD:
#   PROXY_CMD="bash $PWD/docs/bench/rss-during.sh /tmp/rss.log java -jar $PWD/ui/target/sockscope.jar proxy \
#     --db /tmp/bdb/rec --route {listen}={upstream}" PROXY_NAME=sockscope bash compare.sh
# The last line's VmHWM is the peak (compare.sh stops the whole process group at the end); the first lines are the
# proxy before any load (compare.sh starts its smoke test once the port answers).
set -u
LOG=$1; shift
"$@" &
PID=$!
trap 'kill -TERM $PID 2>/dev/null; wait $PID' TERM INT
start=$SECONDS
while kill -0 $PID 2>/dev/null; do
  rss= hwm=
  while read -r key value _; do
    case $key in VmRSS:) rss=$value ;; VmHWM:) hwm=$value ;; esac
  done < /proc/$PID/status 2>/dev/null
  [ -n "$rss" ] && echo "$((SECONDS - start)) s VmRSS $rss kB VmHWM $hwm kB" >> "$LOG"
  sleep 0.5
done
wait $PID
