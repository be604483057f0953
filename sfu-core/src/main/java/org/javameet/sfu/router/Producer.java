package org.javameet.sfu.router;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import org.javameet.sfu.rtp.RtpHeader;
import org.javameet.sfu.transport.WebRtcTransport;
import org.javameet.sfu.webrtc.MediaKind;
import org.javameet.sfu.webrtc.PublishedTrack;

/**
 * One incoming track: receives a publisher's RTP and hands each packet to every Consumer. Media loop only.
 * Closing a producer closes its consumers (mediasoup's cascade).
 */
public final class Producer {
    /** Chromium answers a PLI with a keyframe in ~100 ms; asking more often only wastes its bits. */
    static final long KEYFRAME_REQUEST_INTERVAL_NANOS = 300_000_000L;

    private final String id;
    private final String ownerId;
    private final PublishedTrack track;
    private final WebRtcTransport transport;
    private final long senderSsrc;
    private final List<Consumer> consumers = new ArrayList<>();
    private final PacketCache cache;
    private final ReceiveStats stats;
    private final NackGenerator nacks;
    private long ssrc;
    private long lastKeyframeRequestNanos;
    private boolean closed;

    Producer(String id, String ownerId, PublishedTrack track, WebRtcTransport transport, long senderSsrc) {
        this.id = id;
        this.ownerId = ownerId;
        this.track = track;
        this.transport = transport;
        this.senderSsrc = senderSsrc;
        this.ssrc = track.mediaSsrc();
        this.cache = track.kind() == MediaKind.VIDEO ? new PacketCache() : null;
        this.stats = new ReceiveStats(track.codec().clockRate());
        this.nacks = track.kind() == MediaKind.VIDEO ? new NackGenerator() : null;
    }

    public String id() { return id; }
    public String ownerId() { return ownerId; }
    public MediaKind kind() { return track.kind(); }
    public PublishedTrack track() { return track; }
    public long ssrc() { return ssrc; }
    WebRtcTransport transport() { return transport; }
    ReceiveStats stats() { return stats; }
    List<Consumer> consumers() { return consumers; }

    /** Learns the SSRC from the first packet when the offer announced none (simulcast-style offers). */
    void ssrc(long ssrc) {
        this.ssrc = ssrc;
    }

    /** One decrypted RTP packet from the publisher (or restored from its RTX); the producer owns it and releases it. */
    void onRtp(ByteBuf packet) {
        try {
            int seq = RtpHeader.sequenceNumber(packet);
            long now = System.nanoTime();
            if (cache != null) {
                if (cache.get(seq) != null) {
                    return; // a duplicate (e.g. RTX for a packet that arrived after all): forward once
                }
                cache.put(packet);
                if (nacks.onPacket(seq, now)) {
                    requestKeyframe();
                }
                int[] lost = nacks.due(now);
                if (lost.length > 0) {
                    sendNack(lost);
                }
            }
            stats.onPacket(seq, RtpHeader.timestamp(packet), now);
            for (int i = 0; i < consumers.size(); i++) {
                consumers.get(i).forward(packet);
            }
        } finally {
            packet.release();
        }
    }

    /** Asks the publisher to resend packets lost on its uplink (RFC 4585 generic NACK). */
    private void sendNack(int[] lost) {
        if (!transport.isConnected() || ssrc == 0) {
            return;
        }
        transport.metrics().nacksSent.increment();
        transport.sendRtcp(RtcpSend.nack(transport.alloc(), senderSsrc, ssrc, lost));
    }

    ByteBuf cached(int sequenceNumber) {
        return cache == null ? null : cache.get(sequenceNumber);
    }

    /** Asks the publisher for a keyframe with a PLI (RFC 4585 §6.3.1), at most once per interval. */
    void requestKeyframe() {
        if (closed || track.kind() != MediaKind.VIDEO || ssrc == 0 || !transport.isConnected()) {
            return;
        }
        long now = System.nanoTime();
        if (lastKeyframeRequestNanos != 0 && now - lastKeyframeRequestNanos < KEYFRAME_REQUEST_INTERVAL_NANOS) {
            return;
        }
        lastKeyframeRequestNanos = now;
        transport.metrics().keyframeRequests.increment();
        transport.sendRtcp(RtcpSend.pli(transport.alloc(), senderSsrc, ssrc));
        transport.flush();
    }

    void onSenderReport(long ntpTimestamp, long rtpTimestamp) {
        stats.onSenderReport(ntpTimestamp, System.nanoTime());
        for (int i = 0; i < consumers.size(); i++) {
            consumers.get(i).onSenderReport(ntpTimestamp, rtpTimestamp);
        }
    }

    void addConsumer(Consumer c) {
        consumers.add(c);
    }

    void removeConsumer(Consumer c) {
        consumers.remove(c);
    }

    void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Consumer c : List.copyOf(consumers)) {
            c.close();
        }
        consumers.clear();
        if (cache != null) {
            cache.clear();
        }
    }

    @Override
    public String toString() {
        return "producer " + id + " (" + track.kind().sdpName() + " of " + ownerId + ")";
    }
}
