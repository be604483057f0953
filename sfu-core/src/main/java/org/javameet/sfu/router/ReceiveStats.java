package org.javameet.sfu.router;

import org.javameet.sfu.rtp.SequenceNumbers;
/**
 * RFC 3550 §6.4.1 / Appendix A.3 and A.8 receive statistics of one incoming stream, for the receiver
 * reports the SFU sends its publishers (Chromium's loss-based bandwidth estimate reads them).
 */
final class ReceiveStats {
    private final int clockRate;
    private boolean initialized;
    private int baseSeq;
    private int maxSeq;
    private int cycles;
    private long received;
    private long expectedPrior;
    private long receivedPrior;
    private double jitter;
    private long lastTransit;
    private boolean hasTransit;
    /** Middle 32 bits of the last SR's NTP time, and when it arrived; for LSR/DLSR. */
    private long lastSrNtpMiddle;
    private long lastSrArrivalNanos;

    ReceiveStats(int clockRate) {
        this.clockRate = clockRate;
    }

    void onPacket(int seq, long rtpTimestamp, long arrivalNanos) {
        if (!initialized) {
            initialized = true;
            baseSeq = seq;
            maxSeq = seq;
        } else {
            if (SequenceNumbers.isNewer(seq, maxSeq)) {
                if (seq < maxSeq) {
                    cycles += 1 << 16;
                }
                maxSeq = seq;
            }
        }
        received++;
        long arrivalRtp = arrivalNanos / 1000 * clockRate / 1_000_000;
        long transit = arrivalRtp - rtpTimestamp;
        if (hasTransit) {
            long d = Math.abs(transit - lastTransit);
            jitter += (d - jitter) / 16.0;
        }
        lastTransit = transit;
        hasTransit = true;
    }

    void onSenderReport(long ntpTimestamp, long arrivalNanos) {
        lastSrNtpMiddle = (ntpTimestamp >>> 16) & 0xFFFFFFFFL;
        lastSrArrivalNanos = arrivalNanos;
    }

    boolean hasData() {
        return initialized;
    }

    long extendedHighestSeq() {
        return (cycles & 0xFFFFFFFFL) + maxSeq;
    }

    long cumulativeLost() {
        long expected = extendedHighestSeq() - baseSeq + 1;
        long lost = expected - received;
        return Math.max(-0x800000, Math.min(0x7FFFFF, lost));
    }

    /** Fraction lost since the previous call, 0–255 (RFC 3550 A.3); advances the interval. */
    int fractionLostAndReset() {
        long expected = extendedHighestSeq() - baseSeq + 1;
        long expectedInterval = expected - expectedPrior;
        expectedPrior = expected;
        long receivedInterval = received - receivedPrior;
        receivedPrior = received;
        long lostInterval = expectedInterval - receivedInterval;
        if (expectedInterval == 0 || lostInterval <= 0) {
            return 0;
        }
        return (int) Math.min(255, (lostInterval << 8) / expectedInterval);
    }

    long jitter() {
        return (long) jitter;
    }

    long lastSr() {
        return lastSrNtpMiddle;
    }

    /** Delay since the last SR in 1/65536 s units, 0 when none arrived. */
    long delaySinceLastSr(long nowNanos) {
        if (lastSrArrivalNanos == 0) {
            return 0;
        }
        return ((nowNanos - lastSrArrivalNanos) * 65536L) / 1_000_000_000L;
    }

    long packetsReceived() {
        return received;
    }
}
