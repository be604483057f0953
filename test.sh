#!/usr/bin/env bash
# Runs every test of javameet: the web client's Node unit tests; unit, handler and loopback integration
# tests; the Nix evaluation tests; the Nix package's Maven lock; then the browser tests (headless Chromium)
# inside a network namespace that has only loopback, so neither Chromium nor the server can reach anything
# but this machine.
# On a fresh Debian machine it first installs what the tests need (as root; otherwise it names the packages).
set -euo pipefail
cd "$(dirname "$0")"

# What the tests run, by the command that shows it is there, and the Debian package that brings it.
need=()
command -v mvn >/dev/null || need+=(maven)
command -v javac >/dev/null || need+=(openjdk-17-jdk-headless)
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/bin/chromedriver ] || need+=(chromium-driver)
command -v nix-instantiate >/dev/null || need+=(nix-bin)
command -v systemd-analyze >/dev/null || need+=(systemd)
command -v ip >/dev/null || need+=(iproute2)
command -v unshare >/dev/null || need+=(util-linux)
command -v git >/dev/null || need+=(git)
command -v node >/dev/null || need+=(nodejs)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "test.sh needs these Debian packages: ${need[*]}" >&2
    echo "install them (sudo apt-get install ${need[*]}) or run test.sh as root, which installs them" >&2
    exit 1
  fi
  echo "== installing: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}"
fi

echo "== web client unit tests (node --test: the pure modules, no browser)"
node --test web-client/src/test/js/*.test.mjs

echo "== unit and integration tests (and the server jar)"
mvn -B -ntp install

echo "== the Nix package's Maven lock builds the server offline"
nixos-module/maven-lock.sh check

echo "== browser tests in a loopback-only network namespace"
if [ "$(id -u)" = 0 ]; then
  ns=(unshare --net)
else
  ns=(unshare --net --map-root-user)
fi
"${ns[@]}" bash -c 'ip link set lo up && exec mvn -B -ntp -o -pl signaling surefire:test \
  -Djavameet.browserTests=true -Dtest="org.javameet.signaling.e2e.**" -Dsurefire.failIfNoSpecifiedTests=false'
