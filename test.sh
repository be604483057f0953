#!/usr/bin/env bash
# Runs every test of javameet: the web client's Node unit tests; unit, handler and loopback integration
# tests; the Nix evaluation tests; the Nix package's Maven lock; then the browser tests (headless Chromium,
# Firefox ESR and GStreamer's webrtcbin) inside a network namespace of their own, so nothing they send can
# leave this machine.
# On a fresh Debian machine it first installs what the tests need (as root; otherwise it names the packages).
set -euo pipefail
cd "$(dirname "$0")"

# What the tests run, by the command that shows it is there, and the Debian package that brings it.
need=()
command -v mvn >/dev/null || need+=(maven)
command -v javac >/dev/null || need+=(openjdk-17-jdk-headless)
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/bin/chromedriver ] || need+=(chromium-driver)
[ -x /usr/bin/firefox-esr ] || need+=(firefox-esr)
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)
command -v nix-instantiate >/dev/null || need+=(nix-bin)
command -v systemd-analyze >/dev/null || need+=(systemd)
command -v ip >/dev/null && command -v tc >/dev/null || need+=(iproute2) # tc: BandwidthEstimateBrowserTest shapes with htb
command -v unshare >/dev/null || need+=(util-linux)
# ReconnectBrowserTest: nft drops one browser's packets (network blip), ss -K kills its WebSocket;
# IceTcpBrowserTest: a nested namespace whose nftables rules drop all UDP (nft is in /usr/sbin)
command -v nft >/dev/null || [ -x /usr/sbin/nft ] || need+=(nftables)
command -v git >/dev/null || need+=(git)
command -v ffmpeg >/dev/null || need+=(ffmpeg)
# TurnRelayMeetingTest: coturn relays two browsers; openssl makes its TLS certificate.
[ -x /usr/bin/turnserver ] || need+=(coturn)
command -v openssl >/dev/null || need+=(openssl)
# GStreamer's webrtcbin from Debian's Python (GStreamerMeetingTest): checked by package, they are libraries.
for pkg in python3-gi gir1.2-gst-plugins-bad-1.0 gir1.2-soup-3.0 gstreamer1.0-plugins-good \
  gstreamer1.0-plugins-bad gstreamer1.0-nice; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need+=("$pkg")
done
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

echo "== the Firefox driver for the browser tests (puppeteer-core)"
if ! cmp -s signaling/src/test/firefox/package-lock.json signaling/src/test/firefox/node_modules/.package-lock.json; then
  npm ci --prefix signaling/src/test/firefox --no-audit --no-fund
fi

echo "== browser tests in a network namespace of their own"
# As root, the test JVM (the server under test) runs at nice -10 and starts its browsers and other clients 10
# levels nicer (ClientPriority): starved by three Chromiums on two cores, the server's media loop stamped
# publishers' packets late, and their congestion control read that as a queue on the path.
if [ "$(id -u)" = 0 ]; then
  ns=(nice -n -10 unshare --net)
else
  ns=(unshare --net --map-root-user)
fi
# The server in these tests runs as in production, with Netty's leak detector sampling (simple), not tracking
# every buffer (paranoid, as the unit tests do): see netty.leakLevel in pom.xml.
# Loopback, plus a veth pair that exists only inside the namespace, with a documentation address (RFC 5737)
# and a default route that leads nowhere: Firefox gathers host candidates only on an interface a default
# route points to. Nothing can leave the namespace.
"${ns[@]}" bash -c 'ip link set lo up \
  && ip link add jm0 type veth peer name jm1 && ip addr add 192.0.2.1/24 dev jm0 \
  && ip link set jm0 up && ip link set jm1 up && ip route add default via 192.0.2.254 dev jm0 \
  && exec mvn -B -ntp -o -pl signaling surefire:test -Dnetty.leakLevel=simple \
  -Djavameet.browserTests=true -Dtest="org.javameet.signaling.e2e.**" -Dsurefire.failIfNoSpecifiedTests=false'
