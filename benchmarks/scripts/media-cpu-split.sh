#!/bin/bash
# Where javameet's CPU goes under the load harness (issue 13): perf samples the server (cpu-clock, call graphs,
# Java frames named through the JVM's perf map) for 15 s of the measured window and sorts every sample into one
# bucket: the loopback delivery of the server's own sends to the harness's sockets (softirq work a real NIC would
# not put on this CPU), the send system calls without it, the receive calls, epoll, and user space (Java, the JVM,
# OpenSSL) with its largest Java callers. Prints the buckets as % of the server's sampled CPU.
#
# usage (repository root, after mvn -B -o -pl signaling,benchmarks -am package -DskipTests; root for perf):
#   flock /work/heavy.lock benchmarks/scripts/media-cpu-split.sh OUTDIR [harness options...]
# e.g. ... media-cpu-split.sh /tmp/split --participants 16 --pin-target 1 --pin-harness 0
set -eu
OUT=$1; shift
mkdir -p "$OUT"
cp signaling/target/javameet.jar "$OUT/server.jar" # its own path, so its pid is unambiguous
# frame pointers so perf can walk Java stacks; the perf map names JIT-compiled methods (written at exit)
JAVA_TOOL_OPTIONS="-XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit -XX:+PreserveFramePointer" \
    timeout 170 java -cp benchmarks/target/benchmarks.jar org.javameet.bench.load.LoadHarness --target javameet \
    --javameet-jar "$OUT/server.jar" --duration 25 "$@" --out "$OUT/report" > "$OUT/harness.log" 2>&1 &
HARNESS=$!
for _ in $(seq 1 300); do grep -q 's\*\]' "$OUT/harness.log" && break; sleep 0.5; done # the window is open
sleep 2
PID=$(pgrep -f -- " -jar $OUT/server.jar" | head -1)
[ -n "$PID" ] || { echo "no server process for $OUT/server.jar: the harness failed (see $OUT/harness.log)" >&2; exit 1; }
perf record -g -e cpu-clock -F 2000 -o "$OUT/perf.data" -p "$PID" -- sleep 15 2> "$OUT/perf-record.log"
wait $HARNESS || true # the server exits with the harness and writes /tmp/perf-PID.map
perf script -i "$OUT/perf.data" 2>/dev/null > "$OUT/perf.script"
python3 - "$OUT/perf.script" <<'PY'
import collections, re, sys
def frame(line):
    s = line.split(' ', 1)[1] if ' ' in line else line
    s = re.sub(r'\+0x[0-9a-f]+$', '', s.rsplit(' (', 1)[0])
    m = re.match(r'\S+ ([\w.$]+)\(', s)  # "ret pkg.Class.method(args)" from the perf map
    return m.group(1) if m else s
buckets, java, total = collections.Counter(), collections.Counter(), 0
for block in open(sys.argv[1]).read().split('\n\n'):
    lines = [l.strip() for l in block.strip().split('\n') if l.strip()]
    if len(lines) < 2:
        continue
    total += 1
    names = [frame(l) for l in lines[1:]]
    if any(n in ('net_rx_action', 'handle_softirqs', '__do_softirq', 'process_backlog') for n in names):
        buckets['kernel: loopback delivery to the receivers (softirq)'] += 1
    elif any('sendmmsg' in n or 'sendmsg' in n for n in names):
        buckets['kernel: send calls without the delivery'] += 1
    elif any('recvmmsg' in n or 'recvmsg' in n for n in names):
        buckets['kernel: receive calls'] += 1
    elif any('epoll_wait' in n or 'epoll_pwait' in n for n in names):
        buckets['kernel: epoll_wait'] += 1
    elif 'kallsyms' in lines[1]:
        buckets['kernel: other'] += 1
    else:
        buckets['user space (Java, JVM, OpenSSL)'] += 1
    for n in set(names):
        if n.startswith(('org.javameet.', 'io.netty.')):
            java[n] += 1
print(f'{total} samples of the server')
for k, v in buckets.most_common():
    print(f'  {100 * v / total:5.1f} %  {k}')
print('largest Java frames, inclusive (% of all samples):')
for k, v in java.most_common(25):
    print(f'  {100 * v / total:5.1f} %  {k}')
PY
grep '^| javameet\|^Pinning' "$OUT/harness.log"
