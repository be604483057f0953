package org.javameet.bench.load.run;

import java.util.ArrayList;
import java.util.List;

/**
 * The server's send-side estimates for one receiver as they arrived ({@code bandwidthEstimate}, sent when the
 * estimate moves by 10 % or every 5 s), read as a step function of time: each value holds until the next. Thread-safe.
 */
public final class EstimateSamples {
    /** Samples kept (the newest): at most one every few hundred milliseconds, so several minutes' worth. */
    static final int MAX = 4096;

    private final List<long[]> samples = new ArrayList<>(); // {nanoTime, bits/s}, in arrival order

    public synchronized void add(long nanos, long bitsPerSecond) {
        samples.add(new long[] {nanos, bitsPerSecond});
        if (samples.size() > MAX) {
            samples.remove(0);
        }
    }

    /**
     * Over {@code [fromNanos, toNanos)}: the time-weighted mean of the estimate (from the first sample on, if it
     * came inside the span) and the last value before {@code toNanos}; NaN for both when no sample came before
     * {@code toNanos}.
     */
    public synchronized double[] meanAndLast(long fromNanos, long toNanos) {
        double weighted = 0;
        long covered = 0;
        double last = Double.NaN;
        for (int k = 0; k < samples.size(); k++) {
            long t = samples.get(k)[0];
            if (t >= toNanos) {
                break;
            }
            long v = samples.get(k)[1];
            last = v;
            long next = k + 1 < samples.size() ? Math.min(samples.get(k + 1)[0], toNanos) : toNanos;
            long a = Math.max(t, fromNanos);
            if (next > a) {
                weighted += (double) v * (next - a);
                covered += next - a;
            }
        }
        return new double[] {covered > 0 ? weighted / covered : last, last};
    }
}
