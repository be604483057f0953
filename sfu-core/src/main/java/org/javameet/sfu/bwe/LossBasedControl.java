package org.javameet.sfu.bwe;

/**
 * The loss-based cap of draft-ietf-rmcat-gcc-02 §6: measured over at least {@value #MIN_PACKETS} packets,
 * loss under 2 % lets the cap grow 8 % a second, over 10 % cuts it to (1 − loss / 2) of the current
 * estimate (at most once per round trip + 300 ms, so one burst is not counted twice), and in between it
 * holds. Delay catches congestion early; this catches what delay cannot see: a lossy radio link, a policer.
 *
 * <p>A cut never goes below the acknowledged bitrate: what got through did get through. A sender that adapts
 * sees no difference (its acknowledged rate is below each cut); one that cannot (the SFU forwards what
 * publishers send until layers can be chosen) gets its path's throughput, not a collapse to the minimum
 * under persistent loss.
 */
final class LossBasedControl {
    static final int MIN_PACKETS = 20;
    private static final double LOW_LOSS = 0.02;
    private static final double HIGH_LOSS = 0.10;
    private static final long DECREASE_INTERVAL_MICROS = 300_000;

    private final long maxBps;
    private long cap;
    private int lost;
    private int total;
    private double lastLossFraction;
    private long lastUpdateMicros = -1;
    private long lastDecreaseMicros = -1;

    LossBasedControl(long maxBps) {
        this.maxBps = maxBps;
        this.cap = maxBps;
    }

    /**
     * @param estimateBps the estimate the cap applies to, the base of a decrease
     * @param ackedBps the acknowledged bitrate (0 while unknown), the floor of a decrease
     */
    void onReport(int lostPackets, int packets, long estimateBps, long ackedBps, long rttMicros, long nowMicros) {
        lost += lostPackets;
        total += packets;
        if (lastUpdateMicros < 0) {
            lastUpdateMicros = nowMicros;
        }
        if (total < MIN_PACKETS) {
            return;
        }
        double loss = (double) lost / total;
        lastLossFraction = loss;
        lost = 0;
        total = 0;
        double seconds = Math.min((nowMicros - lastUpdateMicros) / 1e6, 1.0);
        if (loss < LOW_LOSS) {
            cap = Math.min(maxBps, (long) (cap * Math.pow(1.08, seconds)) + 1_000);
        } else if (loss > HIGH_LOSS) {
            if (lastDecreaseMicros < 0 || nowMicros - lastDecreaseMicros >= DECREASE_INTERVAL_MICROS + rttMicros) {
                long cut = (long) (Math.min(cap, estimateBps) * (1 - 0.5 * loss));
                cap = Math.min(cap, Math.max(cut, ackedBps));
                lastDecreaseMicros = nowMicros;
            }
        }
        lastUpdateMicros = nowMicros;
    }

    /** A bandwidth probe got {@code probedBps} through: the cap is at least that. */
    void raiseTo(long probedBps) {
        cap = Math.max(cap, Math.min(maxBps, probedBps));
    }

    long cap() {
        return cap;
    }

    double lossFraction() {
        return lastLossFraction;
    }
}
