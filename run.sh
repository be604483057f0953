#!/usr/bin/env bash
# Starts javameet from this checkout: http://localhost:8080/<room>. Arguments go to the server
# (./run.sh --help lists them; e.g. ./run.sh --config javameet.json).
# On a fresh Debian machine it first installs what the build needs (JDK 17, Maven; as root, otherwise it
# names the packages), and it builds the server jar when it is missing or older than the sources.
set -euo pipefail
cd "$(dirname "$0")"

need=()
command -v mvn >/dev/null || need+=(maven)
command -v javac >/dev/null || need+=(openjdk-17-jdk-headless)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "run.sh needs these Debian packages: ${need[*]}" >&2
    echo "install them (sudo apt-get install ${need[*]}) or run run.sh as root, which installs them" >&2
    exit 1
  fi
  echo "== installing: ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}"
fi

jar=signaling/target/javameet.jar
# rebuild when any source, resource or pom is newer than the jar
if [ ! -f "$jar" ] || [ -n "$(find pom.xml sfu-core signaling web-client -newer "$jar" \
    \( -name '*.java' -o -name '*.js' -o -name '*.html' -o -name '*.css' -o -name '*.json' -o -name 'pom.xml' \) \
    -not -path '*/target/*' -not -path '*/node_modules/*' -print -quit)" ]; then
  echo "== building the server (mvn install, tests skipped; ./test.sh runs them)" >&2
  mvn -B -q -ntp -DskipTests -pl signaling -am install
fi

# A class-data sharing archive of the server's own classes (AppCDS, docs/performance.md, Start-up): made once per
# jar and JVM by a training start on loopback ports, it lets later starts map ~4,000 classes instead of loading,
# verifying and linking them from the jar. Without it (training failed) the server starts the ordinary way.
archive=signaling/target/javameet.jsa
# G1 whatever the machine, as the NixOS service runs it: on one CPU the JVM would pick the serial collector, whose
# young pauses stall the media loop for tens of milliseconds (docs/performance.md). The archive is made with it too.
gc=(-XX:+UseG1GC)
java_bin=$(readlink -f "$(command -v java)")
if [ ! -s "$archive" ] || [ "$jar" -nt "$archive" ] || [ "$java_bin" -nt "$archive" ]; then
  echo "== training the class-data sharing archive ($archive)" >&2
  rm -f "$archive"
  log=$(mktemp "${TMPDIR:-/tmp}/javameet-cds.XXXXXX")
  port=$(( 20000 + RANDOM % 20000 ))
  java "${gc[@]}" -XX:ArchiveClassesAtExit="$archive" -jar "$jar" --http-address 127.0.0.1 --http-port "$port" \
    --media-port $(( port + 1 )) --media-tcp-port 0 --local-address 127.0.0.1 --public-address 127.0.0.1 \
    > "$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do
    grep -qs "ready in" "$log" || ! kill -0 "$pid" 2>/dev/null && break
    sleep 0.1
  done
  # a first visit's requests (the page, a module) load their classes too, and so do
  # the warm-ups that start after "ready" (certificate, SRTP): wait for their log lines, at most 30 s
  get() { # bash's /dev/tcp: no curl needed
    exec 3<>"/dev/tcp/127.0.0.1/$port" && printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' \
      "$1" >&3 && cat <&3; exec 3>&-
  }
  page=$(get / 2>/dev/null || true)
  module=$(grep -o 'src="/v/[^"]*"' <<< "$page" | head -1 | cut -d'"' -f2 || true)
  if [ -n "$module" ]; then get "$module" > /dev/null 2>&1 || true; fi
  for _ in $(seq 1 300); do
    grep -qs "DTLS certificate" "$log" && grep -qs "AES/GCM" "$log" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true # the JVM writes the archive as it exits
  if [ -s "$archive" ]; then rm -f "$log"; else echo "== no archive made (see $log); starting without it" >&2; fi
fi
cds=()
[ -s "$archive" ] && cds=(-XX:SharedArchiveFile="$archive")
exec java "${gc[@]}" ${cds[@]+"${cds[@]}"} -jar "$jar" "$@"
