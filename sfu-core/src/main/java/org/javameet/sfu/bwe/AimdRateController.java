package org.javameet.sfu.bwe;

/**
 * The delay-based rate (draft-ietf-rmcat-gcc-02 §5.5, as goog_cc's AimdRateControl): hold while queues
 * drain, increase while they are steady — multiplicatively (8 % a second) far from the link capacity seen
 * at the last overuses, additively (one packet per response time) near it — and on overuse drop to 0.85 ×
 * the acknowledged rate, at most once per round trip. It never climbs above 1.5 × what was acknowledged:
 * more than that is a guess; a bandwidth probe's measured rate ({@link #raiseTo}) is not.
 */
final class AimdRateController {
    private static final double BETA = 0.85;
    private static final double MULTIPLICATIVE_PER_SECOND = 1.08;
    private static final long MIN_INCREASE_BPS = 1_000;
    private static final double MIN_ADDITIVE_BPS_PER_SECOND = 4_000;
    private static final int ASSUMED_FRAME_RATE = 30;
    private static final int MTU_BITS = 1200 * 8;

    enum State { HOLD, INCREASE, DECREASE }

    private final long minBps;
    private final long maxBps;
    private long bitrate;
    private State state = State.INCREASE;
    private long lastUpdateMicros = -1;
    private long lastDecreaseMicros = -1;
    private final LinkCapacity capacity = new LinkCapacity();

    AimdRateController(long startBps, long minBps, long maxBps) {
        this.minBps = minBps;
        this.maxBps = maxBps;
        this.bitrate = startBps;
    }

    /**
     * @param ackedBps the acknowledged bitrate, 0 while unknown
     * @return the new delay-based estimate
     */
    long update(BandwidthUsage usage, long ackedBps, long rttMicros, long nowMicros) {
        if (lastUpdateMicros < 0) {
            lastUpdateMicros = nowMicros;
        }
        switch (usage) {
            case OVERUSING -> {
                if (state != State.DECREASE) {
                    state = State.DECREASE;
                }
            }
            case NORMAL -> {
                if (state == State.HOLD) {
                    state = State.INCREASE;
                    lastUpdateMicros = nowMicros;
                }
            }
            case UNDERUSING -> state = State.HOLD;
        }
        long next = bitrate;
        switch (state) {
            case HOLD -> { }
            case INCREASE -> {
                if (ackedBps > 0 && capacity.known() && ackedBps > capacity.upperBound()) {
                    capacity.reset(); // the path got better than the capacity we learned: explore again
                }
                double seconds = Math.min((nowMicros - lastUpdateMicros) / 1e6, 1.0);
                long increase = capacity.known() ? additiveIncrease(seconds, rttMicros)
                        : Math.max((long) (bitrate * (Math.pow(MULTIPLICATIVE_PER_SECOND, seconds) - 1)), MIN_INCREASE_BPS);
                next = bitrate + increase;
                if (ackedBps > 0) {
                    next = Math.min(next, Math.max(bitrate, (long) (1.5 * ackedBps) + 10_000));
                }
            }
            case DECREASE -> {
                if (timeToReduceFurther(ackedBps, rttMicros, nowMicros)) {
                    long decreased = (long) (BETA * (ackedBps > 0 ? ackedBps : bitrate));
                    next = Math.min(bitrate, decreased);
                    if (ackedBps > 0) {
                        if (capacity.known() && ackedBps < capacity.lowerBound()) {
                            capacity.reset(); // the path got worse than anything seen: forget it
                        }
                        capacity.onOveruse(ackedBps);
                    }
                    lastDecreaseMicros = nowMicros;
                }
                state = State.HOLD;
            }
        }
        bitrate = Math.max(minBps, Math.min(maxBps, next));
        lastUpdateMicros = nowMicros;
        return bitrate;
    }

    /**
     * A bandwidth probe measured {@code probedBps} (above the current rate): that is the rate now. The capacity
     * learned from earlier overuses is forgotten when the probe went past it.
     */
    long raiseTo(long probedBps, long nowMicros) {
        if (capacity.known() && probedBps > capacity.upperBound()) {
            capacity.reset();
        }
        bitrate = Math.max(bitrate, Math.min(maxBps, probedBps));
        lastUpdateMicros = nowMicros;
        return bitrate;
    }

    private boolean timeToReduceFurther(long ackedBps, long rttMicros, long nowMicros) {
        long interval = Math.max(10_000, Math.min(rttMicros, 200_000));
        if (lastDecreaseMicros < 0 || nowMicros - lastDecreaseMicros >= interval) {
            return true;
        }
        return ackedBps > 0 && ackedBps < bitrate / 2;
    }

    /** About one packet per response time (a round trip plus 100 ms), scaled by elapsed time. */
    private long additiveIncrease(double seconds, long rttMicros) {
        double bitsPerFrame = (double) bitrate / ASSUMED_FRAME_RATE;
        double packetsPerFrame = Math.ceil(bitsPerFrame / MTU_BITS);
        double packetBits = bitsPerFrame / packetsPerFrame;
        double responseSeconds = (rttMicros + 100_000) / 1e6;
        double perSecond = Math.max(MIN_ADDITIVE_BPS_PER_SECOND, packetBits / responseSeconds);
        return (long) (perSecond * seconds);
    }

    long bitrate() {
        return bitrate;
    }

    State state() {
        return state;
    }

    /** Where overuse happened before: the mean and spread of the acknowledged rate at each decrease, in kbit/s. */
    private static final class LinkCapacity {
        private double estimateKbps = -1;
        private double variance = 0.4;

        boolean known() {
            return estimateKbps >= 0;
        }

        void onOveruse(long ackedBps) {
            double sample = ackedBps / 1000.0;
            estimateKbps = estimateKbps < 0 ? sample : 0.95 * estimateKbps + 0.05 * sample;
            double error = estimateKbps - sample;
            variance = 0.95 * variance + 0.05 * error * error / Math.max(estimateKbps, 1.0);
            variance = Math.max(0.4, Math.min(2.5, variance));
        }

        long upperBound() {
            return (long) ((estimateKbps + 3 * deviation()) * 1000);
        }

        long lowerBound() {
            return (long) (Math.max(0, estimateKbps - 3 * deviation()) * 1000);
        }

        private double deviation() {
            return Math.sqrt(variance * estimateKbps);
        }

        void reset() {
            estimateKbps = -1;
        }
    }
}
