package org.javameet.sfu.bwe;

/**
 * The loss-based cap of draft-ietf-rmcat-gcc-02 §6: measured over at least {@value #MIN_PACKETS} packets,
 * loss under 2 % lets the cap grow 8 % a second, over 10 % cuts it to (1 − loss / 2) of the current
 * estimate (at most once per round trip + 300 ms, so one burst is not counted twice), and in between it
 * holds. Delay catches congestion early; this catches what delay cannot see: a lossy radio link, a policer.
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
     */
    void onReport(int lostPackets, int packets, long estimateBps, long rttMicros, long nowMicros) {
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
                cap = (long) (Math.min(cap, estimateBps) * (1 - 0.5 * loss));
                lastDecreaseMicros = nowMicros;
            }
        }
        lastUpdateMicros = nowMicros;
    }

    long cap() {
        return cap;
    }

    double lossFraction() {
        return lastLossFraction;
    }
}
