#!/bin/bash
# Compiles and runs gcm-floor.c: OpenSSL's AES-128-GCM per SRTP packet (the C floor of issue 13) for the two
# packet shapes of SrtpProtectBench (1,200-byte video, 100-byte audio; headers of 24 and 28 bytes). Needs gcc and
# libssl-dev. Run under the heavy lock: flock /work/heavy.lock benchmarks/scripts/gcm-floor.sh
set -eu
BIN=$(mktemp -d)/gcm-floor
gcc -O2 -o "$BIN" "$(dirname "$0")/gcm-floor.c" -lcrypto
"$BIN" 1200 24
"$BIN" 100 28
