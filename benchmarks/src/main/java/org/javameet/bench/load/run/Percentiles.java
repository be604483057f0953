package org.javameet.bench.load.run;

import java.util.Arrays;

/** Nearest-rank percentiles and the jitter estimate, over plain arrays. */
public final class Percentiles {
    private Percentiles() {
    }

    /** The nearest-rank {@code q}-quantile (0 < q <= 1) of {@code sorted}; NaN when empty. */
    static double quantile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
    }

    static long[] sorted(long[] values) {
        long[] s = values.clone();
        Arrays.sort(s);
        return s;
    }

    /**
     * Mean absolute difference of consecutive one-way delays: RFC 3550 §6.4.1's interarrival jitter D(i-1,i)
     * without the 1/16 smoothing, so a whole window weighs equally. NaN with fewer than two samples.
     */
    static double meanDelayVariation(long[] chronological) {
        if (chronological.length < 2) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = 1; i < chronological.length; i++) {
            sum += Math.abs(chronological[i] - chronological[i - 1]);
        }
        return sum / (chronological.length - 1);
    }

    /** The last {@code n} elements (all of them when fewer). */
    static long[] last(long[] a, long n) {
        if (n >= a.length) {
            return a;
        }
        if (n <= 0) {
            return new long[0];
        }
        return Arrays.copyOfRange(a, a.length - (int) n, a.length);
    }

    /**
     * Puts a ring buffer's contents in order: {@code ring} holds the first {@code min(count, ring.length)} slots
     * and the next write goes to {@code count % ring.length}.
     */
    public static long[] unroll(long[] ring, long count) {
        if (count <= ring.length) {
            return ring;
        }
        int pos = (int) (count % ring.length);
        long[] out = new long[ring.length];
        System.arraycopy(ring, pos, out, 0, ring.length - pos);
        System.arraycopy(ring, 0, out, ring.length - pos, pos);
        return out;
    }
}
