package org.javameet.bench.load.client;

import io.netty.buffer.ByteBuf;
import org.javameet.bench.load.run.Percentiles;
import org.javameet.peer.MediaStamp;
import org.javameet.peer.OpusPacketizer;
import org.javameet.peer.Vp8Packetizer;
import org.javameet.sfu.rtp.RtpHeader;
import org.javameet.sfu.rtp.SequenceNumbers;
import org.javameet.sfu.rtp.Vp8;

/**
 * Receive accounting of one incoming SSRC in the harness's own media engine: a 1024-packet sequence window
 * (RFC 3550 A.3 loss: expected minus distinct, so a retransmission that fills a gap repairs it), keyframes,
 * and the one-way delay of every packet from its {@link MediaStamp}, kept in a 4096-sample ring. Loop only.
 */
final class ReceiveTrack {
    static final int WINDOW = 1024;
    static final int LATENCY_SAMPLES = 4096;
    static final int MAX_NACK_GAP = 64;

    final long ssrc;
    final boolean video;
    private final long[] window = new long[WINDOW / 64];
    private final long[] latency = new long[LATENCY_SAMPLES];
    private boolean started;
    private long baseSeq;
    private long maxSeq;
    private long distinct;
    long packets;
    long latencyCount;
    long keyframes;
    long late;
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
        if (!started) {
            started = true;
            baseSeq = seq;
            maxSeq = seq;
            mark(seq);
            distinct = 1;
            return null;
        }
        long ext = SequenceNumbers.extend(maxSeq, seq);
        if (ext > maxSeq) {
            int[] missing = null;
            long gap = ext - maxSeq - 1;
            if (gap > 0 && gap <= MAX_NACK_GAP) {
                missing = new int[(int) gap];
                for (int i = 0; i < gap; i++) {
                    missing[i] = (int) ((maxSeq + 1 + i) & 0xFFFF);
                }
            }
            for (long s = maxSeq + 1; s <= ext && s - maxSeq <= WINDOW; s++) {
                clear(s);
            }
            maxSeq = ext;
            mark(ext);
            distinct++;
            return missing;
        }
        if (maxSeq - ext >= WINDOW || ext < baseSeq) {
            return null;
        }
        if (!isMarked(ext)) {
            mark(ext);
            distinct++;
            late++;
        }
        return null;
    }

    long lost() {
        return started ? maxSeq - baseSeq + 1 - distinct : 0;
    }

    long highestSeq() {
        return maxSeq;
    }

    long[] latencyChronological() {
        int n = (int) Math.min(latencyCount, LATENCY_SAMPLES);
        long[] copy = java.util.Arrays.copyOf(latency, n);
        return Percentiles.unroll(copy, latencyCount);
    }

    private void mark(long ext) {
        int i = (int) (ext & (WINDOW - 1));
        window[i >>> 6] |= 1L << (i & 63);
    }

    private void clear(long ext) {
        int i = (int) (ext & (WINDOW - 1));
        window[i >>> 6] &= ~(1L << (i & 63));
    }

    private boolean isMarked(long ext) {
        int i = (int) (ext & (WINDOW - 1));
        return (window[i >>> 6] & 1L << (i & 63)) != 0;
    }
}
