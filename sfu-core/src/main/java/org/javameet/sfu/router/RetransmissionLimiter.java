package org.javameet.sfu.router;

/**
 * Caps what one consumer's NACKs can make the SFU send (issue 15: 27 kB/s of NACKs drew 87k retransmissions/s,
 * 94 MB/s, ×3,500). Two rules, checked in this order:
 * <ol>
 *   <li>the same packet is not resent within one round trip to the subscriber ({@link #onRtt}: measured from its
 *       receiver reports, smoothed, bounded to {@link #MIN_RESEND_INTERVAL_NANOS}..{@link #MAX_RESEND_INTERVAL_NANOS};
 *       {@link #DEFAULT_RESEND_INTERVAL_NANOS} until measured): a retransmission cannot have arrived sooner, so an
 *       earlier NACK for it is a duplicate or a flood, and
 *   <li>a byte budget (token bucket) that each forwarded packet fills by {@link #SHARE} of its size, up to
 *       {@link #MAX_TOKENS}: retransmissions never exceed half of what the consumer is sent, plus a burst.
 * </ol>
 * Time comes from the caller. Media loop only.
 */
final class RetransmissionLimiter {
    /** Until the subscriber's RTT is measured. */
    static final long DEFAULT_RESEND_INTERVAL_NANOS = 100_000_000L;
    /** A subscriber reporting a tiny RTT (or lying about it) still waits this long per packet. */
    static final long MIN_RESEND_INTERVAL_NANOS = 20_000_000L;
    /** Past this, a slow path would wait too long for a repair it may still use; the byte budget bounds the rest. */
    static final long MAX_RESEND_INTERVAL_NANOS = 500_000_000L;
    static final double SHARE = 0.5;
    /** The burst: 128 KiB, about 100 full packets, or 0.4 s of 2.5 Mbps video. */
    static final long MAX_TOKENS = 128 * 1024;
    /** A new consumer can repair its first losses before it has earned any budget. */
    static final long INITIAL_TOKENS = 32 * 1024;

    enum Verdict { SEND, TOO_SOON, OVER_BUDGET }

    private final long[] resentAt = new long[PacketCache.SIZE];
    private final int[] resentSeq = new int[PacketCache.SIZE];
    private double tokens = INITIAL_TOKENS;
    private long smoothedRttNanos = -1;
    private long resendIntervalNanos = DEFAULT_RESEND_INTERVAL_NANOS;

    RetransmissionLimiter() {
        java.util.Arrays.fill(resentSeq, -1);
    }

    /** A round-trip sample to the subscriber; smoothed as TCP does (RFC 6298: 7/8 old, 1/8 new). */
    void onRtt(long rttNanos) {
        if (rttNanos < 0) {
            return;
        }
        smoothedRttNanos = smoothedRttNanos < 0 ? rttNanos : (7 * smoothedRttNanos + rttNanos) / 8;
        resendIntervalNanos = Math.max(MIN_RESEND_INTERVAL_NANOS, Math.min(MAX_RESEND_INTERVAL_NANOS,
                smoothedRttNanos));
    }

    /** The smoothed RTT, or -1 before the first sample. */
    long smoothedRttNanos() {
        return smoothedRttNanos;
    }

    long resendIntervalNanos() {
        return resendIntervalNanos;
    }

    /** A packet of {@code bytes} was forwarded: earn budget. */
    void onForwarded(int bytes) {
        tokens = Math.min(MAX_TOKENS, tokens + SHARE * bytes);
    }

    /** May the packet with this (producer) sequence number, of this size, be resent now? Takes the budget if so. */
    Verdict tryResend(int sequenceNumber, int bytes, long nowNanos) {
        int slot = sequenceNumber % PacketCache.SIZE;
        if (resentSeq[slot] == sequenceNumber && nowNanos - resentAt[slot] < resendIntervalNanos) {
            return Verdict.TOO_SOON;
        }
        if (tokens < bytes) {
            return Verdict.OVER_BUDGET;
        }
        tokens -= bytes;
        resentSeq[slot] = sequenceNumber;
        resentAt[slot] = nowNanos;
        return Verdict.SEND;
    }
}
