#!/bin/bash
# What the media threads allocate under the load harness (issue 13): starts signaling/target/javameet.jar with JFR
# (settings=profile: allocation samples), runs the harness against it for 60 s, stops it, and attributes the media
# threads' allocation samples (jfr-alloc.py).
#
# usage (repository root, after mvn -B -o -pl signaling,benchmarks -am package -DskipTests):
#   flock /work/heavy.lock benchmarks/scripts/media-alloc-jfr.sh OUTDIR [harness options...]
# e.g. ... media-alloc-jfr.sh /tmp/alloc8 --participants 8
# Uses HTTP port 18480, media port 18500 and ICE-TCP port 18481 on 127.0.0.1.
set -u
OUT=$1; shift
mkdir -p "$OUT"
cp signaling/target/javameet.jar "$OUT/server.jar"
java -XX:StartFlightRecording=filename="$OUT/server.jfr",settings=profile,dumponexit=true -jar "$OUT/server.jar" \
  --http-address 127.0.0.1 --http-port 18480 --media-port 18500 --media-tcp-port 18481 \
  --public-address 127.0.0.1 --local-address 127.0.0.1 --log-level warn > "$OUT/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 120); do curl -sf http://127.0.0.1:18480/healthz > /dev/null && break; sleep 0.5; done
uptime > "$OUT/load.txt"
timeout 200 java -cp benchmarks/target/benchmarks.jar org.javameet.bench.load.LoadHarness --target javameet \
  --server-url http://127.0.0.1:18480 --server-pid $SERVER --duration 60 "$@" --out "$OUT/report" > "$OUT/harness.log" 2>&1
uptime >> "$OUT/load.txt"
curl -s http://127.0.0.1:18480/metrics | grep -E "^javameet_media_packets_(sent|received)_total" | tee "$OUT/metrics.txt"
kill -TERM $SERVER; wait $SERVER
jfr print --events jdk.ObjectAllocationSample --stack-depth 20 "$OUT/server.jfr" > "$OUT/alloc.txt"
"$(dirname "$0")/jfr-alloc.py" "$OUT/alloc.txt" | tee "$OUT/alloc-summary.txt"
