package org.javameet.bench.load.client;

import io.netty.buffer.ByteBuf;
import org.javameet.bench.load.run.Percentiles;
import org.javameet.peer.MediaStamp;
import org.javameet.peer.OpusPacketizer;
import org.javameet.peer.ReceiveWindow;
import org.javameet.peer.Vp8Packetizer;
import org.javameet.sfu.rtp.RtpHeader;
import org.javameet.sfu.rtp.Vp8;

/**
 * Receive accounting of one incoming SSRC in the harness's own media engine: a 1024-packet sequence window
 * (RFC 3550 A.3 loss: expected minus distinct, so a retransmission that fills a gap repairs it), keyframes,
 * and the one-way delay of every packet from its {@link MediaStamp}, kept in a 4096-sample ring. Loop only.
 */
final class ReceiveTrack {
    static final int LATENCY_SAMPLES = 4096;

    final long ssrc;
    final boolean video;
    private final long[] latency = new long[LATENCY_SAMPLES];
    private final ReceiveWindow sequence = new ReceiveWindow();
    long packets;
    long latencyCount;
    long keyframes;
    long nacksSent;
    long plisSent;
    long lastPliNanos;
    long firstPacketNanos;
    int senderId;

    ReceiveTrack(long ssrc, boolean video) {
        this.ssrc = ssrc;
        this.video = video;
    }

    /** Accounts a decrypted media packet; returns sequence numbers a forward jump skipped (to NACK), or null. */
    int[] onPacket(ByteBuf p, long now) {
        packets++;
        if (firstPacketNanos == 0) {
            firstPacketNanos = now;
        }
        if (video && Vp8.isKeyframe(p)) {
            keyframes++;
        }
        int at = video ? Vp8Packetizer.stampOffset(p) : OpusPacketizer.stampOffset(p);
        MediaStamp stamp = MediaStamp.read(p, at);
        if (stamp != null) {
            senderId = stamp.senderId();
            latency[(int) (latencyCount++ % LATENCY_SAMPLES)] = now - stamp.sendNanos();
        }
        return track(RtpHeader.sequenceNumber(p));
    }

    int[] track(int seq) {
        return sequence.track(seq, false);
    }

    /** Packets that arrived after a later one and filled their gap (the report counts them as repaired). */
    long late() {
        return sequence.late();
    }

    long lost() {
        return sequence.lost();
    }

    long highestSeq() {
        return sequence.highest();
    }

    long[] latencyChronological() {
        int n = (int) Math.min(latencyCount, LATENCY_SAMPLES);
        long[] copy = java.util.Arrays.copyOf(latency, n);
        return Percentiles.unroll(copy, latencyCount);
    }
}
