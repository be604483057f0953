package org.javameet.sfu.bwe;

/**
 * The delay-gradient filter of libwebrtc's goog_cc (the successor of draft-ietf-rmcat-gcc-02 §5.3's Kalman
 * filter): each group's one-way delay variation (arrival delta − send delta) is accumulated, smoothed
 * exponentially, and a least-squares line is fitted through the last {@value #WINDOW} (arrival time,
 * smoothed delay) points. Its slope — milliseconds of queue gained per millisecond — is the trend: about 0
 * when queues are steady, positive while they build.
 */
final class TrendlineEstimator {
    static final int WINDOW = 20;
    private static final double SMOOTHING = 0.9;

    private final double[] xs = new double[WINDOW];
    private final double[] ys = new double[WINDOW];
    private int size;
    private int next;
    private long firstArrivalMicros = -1;
    private double accumulatedDelayMs;
    private double smoothedDelayMs;
    private double trend;
    private int deltas;

    /** @return the current trend (slope), 0 until the window is full */
    double update(long sendDeltaMicros, long arrivalDeltaMicros, long arrivalMicros) {
        double deltaMs = (arrivalDeltaMicros - sendDeltaMicros) / 1000.0;
        deltas = Math.min(deltas + 1, 1000);
        if (firstArrivalMicros < 0) {
            firstArrivalMicros = arrivalMicros;
        }
        accumulatedDelayMs += deltaMs;
        smoothedDelayMs = SMOOTHING * smoothedDelayMs + (1 - SMOOTHING) * accumulatedDelayMs;
        xs[next] = (arrivalMicros - firstArrivalMicros) / 1000.0;
        ys[next] = smoothedDelayMs;
        next = (next + 1) % WINDOW;
        if (size < WINDOW) {
            size++;
        }
        if (size == WINDOW) {
            trend = slope();
        }
        return trend;
    }

    /** How many group deltas went in (capped at 1000): the detector trusts the trend more as it grows. */
    int deltas() {
        return deltas;
    }

    private double slope() {
        double sumX = 0;
        double sumY = 0;
        for (int i = 0; i < size; i++) {
            sumX += xs[i];
            sumY += ys[i];
        }
        double meanX = sumX / size;
        double meanY = sumY / size;
        double num = 0;
        double den = 0;
        for (int i = 0; i < size; i++) {
            num += (xs[i] - meanX) * (ys[i] - meanY);
            den += (xs[i] - meanX) * (xs[i] - meanX);
        }
        return den == 0 ? trend : num / den;
    }

    void reset() {
        size = 0;
        next = 0;
        firstArrivalMicros = -1;
        accumulatedDelayMs = 0;
        smoothedDelayMs = 0;
        trend = 0;
        deltas = 0;
    }
}
