package org.javameet.sfu.router;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import org.javameet.sfu.link.MediaLink;
import org.javameet.sfu.rtp.RtpHeader;

/**
 * One incoming track: receives a publisher's RTP and hands each packet to every Consumer. Media loop only.
 * Closing a producer closes its consumers (mediasoup's cascade).
 */
public final class Producer {
    /** Chromium answers a PLI with a keyframe in ~100 ms; asking more often only wastes its bits. */
    static final long KEYFRAME_REQUEST_INTERVAL_NANOS = 300_000_000L;

    private final String id;
    private final String ownerId;
    private final ProducerParams params;
    private final MediaLink link;
    private final long senderSsrc;
    private final List<Consumer> consumers = new ArrayList<>();
    private final PacketCache cache;
    private final ReceiveStats stats;
    private final NackGenerator nacks;
    private long ssrc;
    private long lastKeyframeRequestNanos;
    private boolean closed;

    Producer(String id, String ownerId, ProducerParams params, MediaLink link, long senderSsrc) {
        this.id = id;
        this.ownerId = ownerId;
        this.params = params;
        this.link = link;
        this.senderSsrc = senderSsrc;
        this.ssrc = params.ssrc();
        this.cache = params.video() ? new PacketCache() : null;
        this.stats = new ReceiveStats(params.clockRate());
        this.nacks = params.video() ? new NackGenerator() : null;
    }

    public String id() { return id; }
    public String ownerId() { return ownerId; }
    public boolean video() { return params.video(); }
    public ProducerParams params() { return params; }
    public long ssrc() { return ssrc; }
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
        if (!link.isConnected() || ssrc == 0) {
            return;
        }
        link.metrics().nacksSent.increment();
        link.sendRtcp(RtcpSend.nack(link.alloc(), senderSsrc, ssrc, lost));
    }

    ByteBuf cached(int sequenceNumber) {
        return cache == null ? null : cache.get(sequenceNumber);
    }

    /** Asks the publisher for a keyframe with a PLI (RFC 4585 §6.3.1), at most once per interval. */
    void requestKeyframe() {
        if (closed || !params.video() || ssrc == 0 || !link.isConnected()) {
            return;
        }
        long now = System.nanoTime();
        if (lastKeyframeRequestNanos != 0 && now - lastKeyframeRequestNanos < KEYFRAME_REQUEST_INTERVAL_NANOS) {
            return;
        }
        lastKeyframeRequestNanos = now;
        link.metrics().keyframeRequests.increment();
        link.sendRtcp(RtcpSend.pli(link.alloc(), senderSsrc, ssrc));
        link.flush();
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
        return "producer " + id + " (" + (params.video() ? "video" : "audio") + " of " + ownerId + ")";
    }
}
