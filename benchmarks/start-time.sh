#!/usr/bin/env bash
# Wall time from launching the server to its "ready" log line, and to the first page it serves (GET /, the
# index page: the first request's own class loading counts), several runs (docs/performance.md, Start-up).
# usage: [JAVA_OPTS="-XX:SharedArchiveFile=..."] benchmarks/start-time.sh [JAR] [RUNS]
#        (default signaling/target/javameet.jar, 5 runs; loopback only; JAVA_OPTS go to every java)
set -euo pipefail
jar=${1:-signaling/target/javameet.jar}
runs=${2:-5}
read -r -a java_opts <<< "${JAVA_OPTS:-}"
free_port() { python3 -c "import socket; s = socket.socket(socket.AF_INET, socket.$1); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"; }
# one log per run (a later run must never see an earlier run's "ready"); no EXIT trap: bash would
# copy it into the background job, whose SIGTERM then deleted the log under the next run
logs=$(mktemp -d "${TMPDIR:-/tmp}/javameet-start.XXXXXX")
for i in $(seq 1 "$runs"); do
  log=$logs/run-$i.log
  http_port=$(free_port SOCK_STREAM) # before the clock starts: two Python start-ups are not the server's
  media_port=$(free_port SOCK_DGRAM)
  t0=$(date +%s%N)
  java ${java_opts[@]+"${java_opts[@]}"} -jar "$jar" --http-address 127.0.0.1 --http-port "$http_port" --media-port "$media_port" \
    --local-address 127.0.0.1 --public-address 127.0.0.1 > "$log" 2>&1 &
  pid=$!
  until grep -qs "ready in" "$log"; do
    kill -0 "$pid" 2>/dev/null || { echo "the server exited:"; cat "$log"; exit 1; }
    sleep 0.01
  done
  t1=$(date +%s%N)
  curl -sf -o /dev/null "http://127.0.0.1:$http_port/" || { echo "no page from the server:"; cat "$log"; exit 1; }
  t2=$(date +%s%N)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "run $i: $(( (t1 - t0) / 1000000 )) ms to ready, $(( (t2 - t0) / 1000000 )) ms to the first page;" \
    "$(grep -o 'ready in [0-9]* ms ([0-9]* ms since the process started)' "$log")"
done
rm -rf "$logs"
uptime
