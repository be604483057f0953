package org.javameet.sfu.recording;

/**
 * One track's RTP timestamps as milliseconds since the track's first packet, across the 32-bit wrap.
 * (Lining several tracks up on one meeting clock, from RTCP sender reports, is the recorder's next step.)
 */
public final class RtpClock {
    private final int clockRate;
    private long first = -1;
    private long extendedLast;

    public RtpClock(int clockRate) {
        if (clockRate <= 0) {
            throw new IllegalArgumentException("clock rate " + clockRate);
        }
        this.clockRate = clockRate;
    }

    /** Milliseconds of {@code rtpTimestamp} after the first timestamp this clock saw (negative if before it). */
    public long toMillis(long rtpTimestamp) {
        long ts = rtpTimestamp & 0xFFFFFFFFL;
        if (first < 0) {
            first = ts;
            extendedLast = ts;
        } else {
            // the 32-bit value nearest to the last one: forward or backward by less than 2^31
            long candidate = (extendedLast & ~0xFFFFFFFFL) | ts;
            if (candidate - extendedLast > (1L << 31)) {
                candidate -= 1L << 32;
            } else if (extendedLast - candidate > (1L << 31)) {
                candidate += 1L << 32;
            }
            extendedLast = Math.max(extendedLast, candidate);
            ts = candidate;
        }
        return Math.floorDiv((ts - first) * 1000, clockRate);
    }
}
