package org.javameet.sfu.router;

/**
 * Caps what one consumer's NACKs can make the SFU send (issue 15: 27 kB/s of NACKs drew 87k retransmissions/s,
 * 94 MB/s, ×3,500). Two rules, checked in this order:
 * <ol>
 *   <li>the same packet is not resent within {@link #MIN_RESEND_INTERVAL_NANOS} (about one round trip; the
 *       subscriber's RTT is not measured, so a fixed floor), and
 *   <li>a byte budget (token bucket) that each forwarded packet fills by {@link #SHARE} of its size, up to
 *       {@link #MAX_TOKENS}: retransmissions never exceed half of what the consumer is sent, plus a burst.
 * </ol>
 * Time comes from the caller. Media loop only.
 */
final class RetransmissionLimiter {
    static final long MIN_RESEND_INTERVAL_NANOS = 100_000_000L;
    static final double SHARE = 0.5;
    /** The burst: 128 KiB, about 100 full packets, or 0.4 s of 2.5 Mbps video. */
    static final long MAX_TOKENS = 128 * 1024;
    /** A new consumer can repair its first losses before it has earned any budget. */
    static final long INITIAL_TOKENS = 32 * 1024;

    enum Verdict { SEND, TOO_SOON, OVER_BUDGET }

    private final long[] resentAt = new long[PacketCache.SIZE];
    private final int[] resentSeq = new int[PacketCache.SIZE];
    private double tokens = INITIAL_TOKENS;

    RetransmissionLimiter() {
        java.util.Arrays.fill(resentSeq, -1);
    }

    /** A packet of {@code bytes} was forwarded: earn budget. */
    void onForwarded(int bytes) {
        tokens = Math.min(MAX_TOKENS, tokens + SHARE * bytes);
    }

    /** May the packet with this (producer) sequence number, of this size, be resent now? Takes the budget if so. */
    Verdict tryResend(int sequenceNumber, int bytes, long nowNanos) {
        int slot = sequenceNumber % PacketCache.SIZE;
        if (resentSeq[slot] == sequenceNumber && nowNanos - resentAt[slot] < MIN_RESEND_INTERVAL_NANOS) {
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
