#!/usr/bin/env bash
# Takes issue 13's figure set in one go, one step after another, on a machine nobody else uses:
#   1 start-up (benchmarks/start-time.sh, 5 runs)
#   2 JMH ForwardBench with -prof gc (B/op and ns/op of the real forward path, GCM, pooled heap)
#   3 system calls per packet at 1 x 16 (benchmarks/scripts/media-syscalls.sh)
#   4 1 vs 2 media loops at 2 x 16 (the same script, --media-loops 1 then 2)
#   5 the load harness: javameet, Janus, bare fan-out and bare fan-out with GCM at 8, 16 and 24, pinned apart
#   6 join to first frame in Chromium (JoinTimeBrowserTest, in a loopback-only namespace, the server at nice -10
#     above its browsers as test.sh runs it)
# Each step writes OUT/<n>-<name>.log; OUT/summary.txt gets the load average before and after every step,
# so a disturbed step shows. About 35 minutes. Everything runs on 127.0.0.1 or in its own namespace.
#
# usage (repository root, root for perf and namespaces):
#   mvn -B -ntp -q -DskipTests install && flock /work/heavy.lock benchmarks/scripts/quiet-run.sh OUT [STEPS]
# STEPS: which steps, e.g. "1 2" (default: all). Steps that need a missing tool (janus, perf) are skipped
# with a line in the summary.
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:?usage: quiet-run.sh OUT [STEPS]}
STEPS=${2:-1 2 3 4 5 6}
mkdir -p "$OUT"
summary=$OUT/summary.txt
for jar in signaling/target/javameet.jar benchmarks/target/benchmarks.jar; do
  [ -f "$jar" ] || { echo "missing $jar: build first (mvn -B -ntp -q -DskipTests install)" >&2; exit 1; }
done

load() { cut -d' ' -f1 /proc/loadavg; }
note() { echo "$*" | tee -a "$summary"; }
step() { # step N NAME COMMAND...
  local n=$1 name=$2; shift 2
  case " $STEPS " in *" $n "*) ;; *) return 0 ;; esac
  local before t0 rc
  before=$(load); t0=$(date +%s)
  note "== step $n $name: start $(date -u +%H:%M:%S), load $before"
  "$@" > "$OUT/$n-$name.log" 2>&1
  rc=$?
  note "   step $n $name: rc $rc, $(( $(date +%s) - t0 )) s, load $(load) after (log $OUT/$n-$name.log)"
}

note "quiet-run on $(hostname) at $(date -u +%FT%TZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) CPUs"
awk '$1 > 1.0 { print "warning: load average " $1 " before the first step: the figures will be disturbed" }' /proc/loadavg | tee -a "$summary"

step 1 start-time env TMPDIR="$OUT" benchmarks/start-time.sh signaling/target/javameet.jar 5

step 2 forward-bench java -jar benchmarks/target/benchmarks.jar ForwardBench -p packet=VIDEO,AUDIO \
    -p allocator=POOLED_HEAP -p profile=AEAD_AES_128_GCM -p aes=OpenSSL -p transportCc=false -p rtpTransform=REUSED_CONTEXTS \
    -f 1 -wi 3 -i 5 -prof gc

if command -v perf >/dev/null; then
  step 3 syscalls-1x16 benchmarks/scripts/media-syscalls.sh "$OUT/syscalls-1x16" --participants 16
  step 4 loops-1 benchmarks/scripts/media-syscalls.sh "$OUT/loops-1" --rooms 2 --participants 16 --media-loops 1
  step 4 loops-2 benchmarks/scripts/media-syscalls.sh "$OUT/loops-2" --rooms 2 --participants 16 --media-loops 2
else
  note "steps 3-4 skipped: perf is not installed (apt-get install linux-perf)"
fi

targets=javameet,baseline,baseline-gcm
if command -v janus >/dev/null || [ -x /usr/bin/janus ]; then targets=javameet,janus,baseline,baseline-gcm
else note "step 5 without Janus: it is not installed (apt-get install janus)"; fi
step 5 harness java -cp benchmarks/target/benchmarks.jar org.javameet.bench.load.LoadHarness \
    --target "$targets" --rooms 1 --steps 8,16,24 --pin-target 1 --pin-harness 0 \
    --video-kbps 500 --fps 30 --duration 30 --ramp-up 5 --out "$OUT/harness"

step 6 join-time nice -n -10 unshare --net bash -c 'ip link set lo up && ip link add jm0 type veth peer name jm1 \
    && ip addr add 192.0.2.1/24 dev jm0 && ip link set jm0 up && ip link set jm1 up \
    && ip route add default via 192.0.2.254 dev jm0 && exec mvn -B -ntp -o -pl signaling surefire:test \
    -Dnetty.leakLevel=simple -Djavameet.browserTests=true -Dtest=JoinTimeBrowserTest -Dsurefire.failIfNoSpecifiedTests=false'

note "done $(date -u +%H:%M:%S); figures: $OUT/*.log, $OUT/harness.html, $OUT/*/perf.txt"
