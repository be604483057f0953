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
exec java -jar "$jar" "$@"
