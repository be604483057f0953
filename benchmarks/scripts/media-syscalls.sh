#!/bin/bash
# Counts javameet's media system calls per packet under the load harness (issue 13): recvmmsg/recvmsg and
# sendmmsg/sendmsg calls over 10 s of the measured window (perf tracepoints), next to the server's own packet
# counters for the same 10 s, and each media thread's CPU over those 10 s.
#
# usage (repository root, after mvn -B -o -pl signaling,benchmarks -am package -DskipTests; root for perf):
#   flock /work/heavy.lock benchmarks/scripts/media-syscalls.sh OUTDIR [harness options...]
# e.g. ... media-syscalls.sh /tmp/loops2 --rooms 2 --participants 8 --media-loops 2
set -eu
OUT=$1; shift
mkdir -p "$OUT"
cp signaling/target/javameet.jar "$OUT/server.jar" # its own path, so its pid is unambiguous
timeout 170 java -cp benchmarks/target/benchmarks.jar org.javameet.bench.load.LoadHarness --target javameet \
    --javameet-jar "$OUT/server.jar" --duration 20 "$@" --out "$OUT/report" > "$OUT/harness.log" 2>&1 &
HARNESS=$!
for _ in $(seq 1 300); do grep -q 's\*\]' "$OUT/harness.log" && break; sleep 0.5; done # the window is open
sleep 2
# " -jar": the harness's (and timeout's) command lines name the jar too, as "--javameet-jar <jar>"
PID=$(pgrep -f -- " -jar $OUT/server.jar" | head -1)
[ -n "$PID" ] || { echo "no server process for $OUT/server.jar: the harness failed (see $OUT/harness.log)" >&2; exit 1; }
URL=http://127.0.0.1:$(tr '\0' ' ' < /proc/$PID/cmdline | grep -o -- '--http-port [0-9]*' | cut -d' ' -f2)
metric() { curl -s "$URL/metrics" | awk -v k="$1" '$1==k {print $2}'; }
threads() { for t in /proc/$PID/task/*; do echo "$(cat $t/comm) $(awk '{print $14+$15}' $t/stat)"; done | grep '^media' | sort; }
IN0=$(metric javameet_media_packets_received_total); OUT0=$(metric javameet_media_packets_sent_total)
threads > "$OUT/threads0.txt"
perf stat -e 'syscalls:sys_enter_recvmsg,syscalls:sys_enter_recvmmsg,syscalls:sys_enter_sendmsg,syscalls:sys_enter_sendmmsg' \
    -p "$PID" -- sleep 10 2> "$OUT/perf.txt"
IN1=$(metric javameet_media_packets_received_total); OUT1=$(metric javameet_media_packets_sent_total)
threads > "$OUT/threads1.txt"
wait $HARNESS || true
echo "packets in 10 s: received $(echo "$IN1 - $IN0" | bc), sent $(echo "$OUT1 - $OUT0" | bc)"
grep syscalls "$OUT/perf.txt"
echo "media threads, % of one core over those 10 s (clock ticks of 10 ms):"
join "$OUT/threads0.txt" "$OUT/threads1.txt" | awk '{printf "  %s %.1f %%\n", $1, ($3 - $2) / 10}'
grep '^| javameet\|^Pinning' "$OUT/harness.log"
