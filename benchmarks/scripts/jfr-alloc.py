#!/usr/bin/env python3
"""Attributes a JFR recording's allocation samples on the media threads to where they come from (issue 13).

usage: jfr print --events jdk.ObjectAllocationSample --stack-depth 20 server.jfr > alloc.txt
       benchmarks/scripts/jfr-alloc.py alloc.txt
Each sample's weight (bytes allocated since the thread's previous sample) goes to the first category whose
markers appear in its stack (so the specific ones come first: Netty's read frames are under every shallow
stack); media threads are those named media-*.
"""
import re, sys, collections
text = open(sys.argv[1]).read()
cats = [
 ("SRTP (jitsi-srtp or ours)", ["org.jitsi.srtp", "org.javameet.sfu.srtp"]),
 ("STUN checks (parsing, MESSAGE-INTEGRITY, responses)", ["org.javameet.sfu.stun.", "IceChecks"]),
 ("send: epoll copies a heap packet to direct (newDirectBuffer0: NIO views, 2nd DatagramPacket, buffers)", ["AbstractEpollChannel.newDirectBuffer", "EpollDatagramChannel.filterOutboundMessage"]),
 ("send: our DatagramPacket envelope and pooled direct copy (MediaLoop send)", ["MediaLoop$1.send", "MediaLoop.sendable"]),
 ("receive: Netty recvmmsg per datagram (DatagramPacket, addresses, slice)", ["scatteringRead", "NativeDatagramPacket.newDatagramPacket"]),
 ("receive: our pooled copy (MediaPacketHandler)", ["MediaPacketHandler"]),
 ("forward: copy/rewrite (RtpRewriter, Consumer.forward)", ["RtpRewriter", "Consumer.forward"]),
 ("set-up: consumers, transports (StreamRewriter, RetransmissionLimiter, createConsumer, DTLS)", ["createConsumer", "acceptSubscribeAnswer", "Dtls", "dtls"]),
 ("RTCP (feedback parsing, reports, SDES)", ["rtcp.", "Rtcp"]),
 ("every 200 ms / 1 s (layer selection, reports)", ["LayerAllocator", "selectLayers", "PublisherBitrateCap"]),
 ("pacer: starting the drain task (Subscriber.scheduleDrain)", ["scheduleDrain"]),
 ("class loading, JIT, reflection", ["ClassLoader", "reflect", "LambdaForm", "invoke."]),
]
events = text.split("jdk.ObjectAllocationSample {")[1:]
tot = 0; by = collections.Counter(); other = collections.Counter()
for e in events:
    th = re.search(r'eventThread = "([^"]+)"', e).group(1)
    if not th.startswith("media"):
        continue
    w = re.search(r'weight = ([\d.]+) (bytes|kB|MB|GB)', e)
    weight = float(w.group(1)) * {'bytes':1,'kB':1e3,'MB':1e6,'GB':1e9}[w.group(2)]
    tot += weight
    stack = e.split("stackTrace = [")[1]
    for name, keys in cats:
        if any(k in stack for k in keys):
            by[name] += weight; break
    else:
        by["other"] += weight
        other[re.findall(r'^\s{4}(\S.*?)(?: line: \d+)?$', stack, re.M)[0].split('(')[0]] += weight
print(f"media threads: {tot/1e6:.1f} MB of sampled allocation weight")
for name, w in by.most_common():
    print(f"  {100*w/tot:5.1f} %  {w/1e6:7.1f} MB  {name}")
print("other, top frames:", [(k, round(v/1e6,1)) for k, v in other.most_common(8)])
