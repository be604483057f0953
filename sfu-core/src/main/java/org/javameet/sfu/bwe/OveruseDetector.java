package org.javameet.sfu.bwe;

/**
 * Compares the delay trend with an adaptive threshold (draft-ietf-rmcat-gcc-02 §5.4 and §5.5, with goog_cc's
 * scaling of the trend): overuse is signalled only when the scaled trend stays above the threshold for
 * more than 10 ms and keeps rising, so one late group is not congestion. The threshold follows the trend —
 * slowly up, faster down — so a path with natural jitter, or a competing TCP flow, does not starve us.
 */
final class OveruseDetector {
    private static final double TREND_GAIN = 4.0;
    private static final int MAX_DELTAS_SCALE = 60;
    private static final double K_UP = 0.0087;
    private static final double K_DOWN = 0.039;
    private static final double MIN_THRESHOLD = 6;
    private static final double MAX_THRESHOLD = 600;
    /** A trend this far above the threshold is a spike the threshold must not learn from. */
    private static final double MAX_ADAPT_OFFSET = 15;
    private static final double OVERUSE_TIME_MS = 10;

    private double threshold = 12.5;
    private long lastUpdateMicros = -1;
    private double timeOverUsingMs = -1;
    private int overuseCount;
    private double previousTrend;
    private BandwidthUsage state = BandwidthUsage.NORMAL;

    BandwidthUsage detect(double trend, long sendDeltaMicros, int deltas, long nowMicros) {
        if (deltas < 2) {
            return state;
        }
        double modified = Math.min(deltas, MAX_DELTAS_SCALE) * trend * TREND_GAIN;
        if (modified > threshold) {
            double sendDeltaMs = sendDeltaMicros / 1000.0;
            timeOverUsingMs = timeOverUsingMs < 0 ? sendDeltaMs / 2 : timeOverUsingMs + sendDeltaMs;
            overuseCount++;
            if (timeOverUsingMs > OVERUSE_TIME_MS && overuseCount > 1 && trend >= previousTrend) {
                timeOverUsingMs = 0;
                overuseCount = 0;
                state = BandwidthUsage.OVERUSING;
            }
        } else if (modified < -threshold) {
            timeOverUsingMs = -1;
            overuseCount = 0;
            state = BandwidthUsage.UNDERUSING;
        } else {
            timeOverUsingMs = -1;
            overuseCount = 0;
            state = BandwidthUsage.NORMAL;
        }
        previousTrend = trend;
        adaptThreshold(modified, nowMicros);
        return state;
    }

    private void adaptThreshold(double modified, long nowMicros) {
        if (lastUpdateMicros < 0) {
            lastUpdateMicros = nowMicros;
        }
        double magnitude = Math.abs(modified);
        if (magnitude > threshold + MAX_ADAPT_OFFSET) {
            lastUpdateMicros = nowMicros;
            return;
        }
        double k = magnitude < threshold ? K_DOWN : K_UP;
        double elapsedMs = Math.min((nowMicros - lastUpdateMicros) / 1000.0, 100);
        threshold += k * (magnitude - threshold) * elapsedMs;
        threshold = Math.max(MIN_THRESHOLD, Math.min(MAX_THRESHOLD, threshold));
        lastUpdateMicros = nowMicros;
    }

    BandwidthUsage state() {
        return state;
    }

    double threshold() {
        return threshold;
    }
}
