#!/bin/sh
# Starts Janus for the javameet load harness on loopback, with free ports filled into a copy of this directory's
# configuration.
#   run-janus.sh TEMPLATE_DIR WORK_DIR WS_PORT RTP_PORT_MIN RTP_PORT_MAX [JANUS_BINARY [EVENT_LOOPS]]
# EVENT_LOOPS defaults to the number of cores (nproc). Debian's Janus links libsrtp2, which Debian builds
# with NSS, not OpenSSL, for its AES-GCM: the load report says so next to Janus's figures.
# The harness runs it as a child process; `exec` keeps the pid, so the harness's /proc readings are Janus's own.
# By hand: sh benchmarks/janus/run-janus.sh benchmarks/janus /tmp/janus-conf 8188 20000 20999
set -eu
templates=$1
work=$2
ws_port=$3
rtp_min=$4
rtp_max=$5
janus=${6:-/usr/bin/janus}
event_loops=${7:-$(nproc)}
if [ ! -x "$janus" ]; then
	echo "Janus is not installed ($janus missing): apt-get install -y janus" >&2
	exit 127
fi
mkdir -p "$work"
for f in janus.jcfg janus.transport.websockets.jcfg janus.plugin.videoroom.jcfg; do
	sed -e "s/@WS_PORT@/$ws_port/g" -e "s/@RTP_PORT_MIN@/$rtp_min/g" -e "s/@RTP_PORT_MAX@/$rtp_max/g" \
		-e "s/@EVENT_LOOPS@/$event_loops/g" \
		"$templates/$f" > "$work/$f"
done
exec "$janus" -F "$work" -C "$work/janus.jcfg" --disable-colors
