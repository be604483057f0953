#!/usr/bin/env bash
# Runs every test of javameet: unit, handler and loopback integration tests, the Nix evaluation tests,
# then the browser tests (headless Chromium) inside a network namespace that has only loopback, so
# neither Chromium nor the server can reach anything but this machine.
# Needs: JDK 17, Maven, chromium + chromium-driver, nix-bin, iproute2, and root (or user namespaces)
# for `unshare -n`. .ci/run installs them on a fresh Debian machine.
set -euo pipefail
cd "$(dirname "$0")"

echo "== unit and integration tests (and the server jar)"
mvn -B -ntp install

echo "== browser tests in a loopback-only network namespace"
if [ "$(id -u)" = 0 ]; then
  ns=(unshare --net)
else
  ns=(unshare --net --map-root-user)
fi
"${ns[@]}" bash -c 'ip link set lo up && exec mvn -B -ntp -o -pl signaling surefire:test \
  -Djavameet.browserTests=true -Dtest="org.javameet.signaling.e2e.**" -Dsurefire.failIfNoSpecifiedTests=false'
