package org.javameet.bench.load.run;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Decides when the measured window may open: once every sender's packet rate, and the rate all receivers
 * together get, has been steady for {@link #SECONDS} one-second samples in a row (each within
 * {@link #TOLERANCE} of their mean, and not zero). A window that opens on a join's catch-up burst or on
 * subscriptions still settling measures the burst, not the steady state (one run's p99 of 477 ms was that).
 * Pure: the caller feeds it rates.
 */
final class SteadyState {
    static final int SECONDS = 3;
    static final double TOLERANCE = 0.10;

    /** The last samples, newest last; each is {sender rates..., total received rate}. */
    private final Deque<double[]> samples = new ArrayDeque<>();

    /** One second's rates: packets per second of each sender that joined, and of all receivers together. */
    synchronized void add(double[] senderRates, double receivedRate) {
        double[] s = java.util.Arrays.copyOf(senderRates, senderRates.length + 1);
        s[senderRates.length] = receivedRate;
        if (!samples.isEmpty() && samples.peekLast().length != s.length) {
            samples.clear(); // someone joined or left: start over
        }
        samples.addLast(s);
        while (samples.size() > SECONDS) {
            samples.removeFirst();
        }
    }

    synchronized boolean steady() {
        if (samples.size() < SECONDS) {
            return false;
        }
        int streams = samples.peekLast().length;
        for (int i = 0; i < streams; i++) {
            double sum = 0;
            for (double[] s : samples) {
                sum += s[i];
            }
            double mean = sum / samples.size();
            if (!(mean > 0)) {
                return false;
            }
            for (double[] s : samples) {
                if (Math.abs(s[i] - mean) > TOLERANCE * mean) {
                    return false;
                }
            }
        }
        return true;
    }
}
