package org.javameet.sfu.bwe;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.LongToDoubleFunction;
import java.util.function.LongUnaryOperator;

/**
 * A synthetic path for replaying feedback traces into a {@link SendSideEstimator}: a sender pacing 1,200-byte
 * packets at min(estimate, source rate), a bottleneck of time-varying capacity with a drop-tail queue, random
 * loss, extra one-way delay and reordering, and a receiver that sends transport-cc style feedback every 100 ms
 * (arrival times in its own clock, 1,000 s off the sender's). With {@link #probeIntervalMicros} set, the sender also
 * probes: every interval, {@value #PROBE_MICROS} µs (and {@value #PROBE_MIN_PACKETS} packets) of 300-byte padding at {@link #probeFactor} × the estimate, the
 * media sent meanwhile counted in the cluster. Deterministic: a seeded Random and 1 ms steps.
 */
final class PathSimulator {
    static final int PACKET_BYTES = 1200;
    static final int PADDING_BYTES = 300;
    static final long PROBE_MICROS = 20_000;
    /** A cluster is never shorter than this: 80 % of it must arrive, and at least 5 packets, to measure anything. */
    static final int PROBE_MIN_PACKETS = 7;
    private static final long STEP = 1_000;
    private static final long RECEIVER_CLOCK_OFFSET = 1_000_000_000L;

    LongUnaryOperator capacityBps = t -> 2_500_000;
    LongUnaryOperator extraDelayMicros = t -> 0;
    LongToDoubleFunction lossProbability = t -> 0;
    double reorderProbability;
    long sourceBps = 5_000_000;
    /** False for a sender that cannot adapt (the SFU before layer selection): it sends the source rate whatever the estimate. */
    boolean followsEstimate = true;
    long baseDelayMicros = 25_000;
    long queueLimitMicros = 400_000;
    long feedbackIntervalMicros = 100_000;
    /** 0: no probes. */
    long probeIntervalMicros;
    double probeFactor = 2.0;
    /** Probe clusters sent. */
    int probesSent;
    private final Random random = new Random(42);

    /** (time, estimate) every 100 ms of the run. */
    final List<long[]> samples = new ArrayList<>();

    private long[] sendTimes = new long[1024];
    private long[] arrivals = new long[1024];
    private int[] sizes = new int[1024];
    private int[] clusters = new int[1024];
    private long probeStart = -1;
    private long probeRate;
    private double probeCredit;
    private int sent;
    private int nextToReport;
    private long lastDeparture;
    private double credit;
    private final ArrayDeque<Object[]> feedbackInFlight = new ArrayDeque<>();

    void run(SendSideEstimator est, long untilMicros) {
        long start = samples.isEmpty() ? 0 : samples.get(samples.size() - 1)[0] + STEP;
        for (long t = start; t <= untilMicros; t += STEP) {
            send(est, t);
            if (t % feedbackIntervalMicros == 0) {
                FeedbackReport r = feedback(t);
                if (r != null) {
                    feedbackInFlight.add(new Object[] {t + baseDelayMicros, r});
                }
            }
            while (!feedbackInFlight.isEmpty() && (long) feedbackInFlight.peek()[0] <= t) {
                est.onFeedback(t, (FeedbackReport) feedbackInFlight.poll()[1]);
            }
            if (t % 100_000 == 0) {
                samples.add(new long[] {t, est.estimate()});
            }
        }
    }

    private void send(SendSideEstimator est, long t) {
        int cluster = FeedbackReport.NO_CLUSTER;
        if (probeIntervalMicros > 0) {
            if (probeStart >= 0 && t - probeStart >= PROBE_MICROS && est.probes().sent() >= PROBE_MIN_PACKETS) {
                est.probes().finishSending(probesSent);
                probeStart = -1;
            }
            if (probeStart < 0 && t > 0 && t % probeIntervalMicros == 0) {
                probeStart = t;
                probeRate = (long) (probeFactor * est.estimate());
                probeCredit = 0;
                est.probes().start(++probesSent);
            }
            if (probeStart >= 0) {
                cluster = probesSent;
            }
        }
        long rate = followsEstimate ? Math.min(est.estimate(), sourceBps) : sourceBps;
        credit = Math.min(credit + rate * (STEP / 1e6), 2.0 * PACKET_BYTES * 8);
        while (credit >= PACKET_BYTES * 8) {
            credit -= PACKET_BYTES * 8;
            packet(est, t, PACKET_BYTES, cluster);
        }
        if (cluster != FeedbackReport.NO_CLUSTER) { // padding tops the train up to the probe's rate
            probeCredit += (probeRate - rate) * (STEP / 1e6);
            while (probeCredit >= PADDING_BYTES * 8) {
                probeCredit -= PADDING_BYTES * 8;
                packet(est, t, PADDING_BYTES, cluster);
            }
        }
    }

    private void packet(SendSideEstimator est, long t, int size, int cluster) {
        if (sent == sendTimes.length) {
            sendTimes = Arrays.copyOf(sendTimes, sent * 2);
            arrivals = Arrays.copyOf(arrivals, sent * 2);
            sizes = Arrays.copyOf(sizes, sent * 2);
            clusters = Arrays.copyOf(clusters, sent * 2);
        }
        sendTimes[sent] = t;
        arrivals[sent] = arrive(t, size);
        sizes[sent] = size;
        clusters[sent] = cluster;
        if (cluster != FeedbackReport.NO_CLUSTER) {
            est.probes().onSent(cluster);
        }
        sent++;
    }

    /** When the packet sent at {@code t} arrives, or Long.MAX_VALUE if it is lost or dropped. */
    private long arrive(long t, int size) {
        if (random.nextDouble() < lossProbability.applyAsDouble(t)) {
            return Long.MAX_VALUE;
        }
        long serialization = size * 8L * 1_000_000 / capacityBps.applyAsLong(t);
        long departure = Math.max(t, lastDeparture) + serialization;
        if (departure - t > queueLimitMicros) {
            return Long.MAX_VALUE; // drop-tail
        }
        lastDeparture = departure;
        long arrival = departure + baseDelayMicros + extraDelayMicros.applyAsLong(t);
        if (random.nextDouble() < reorderProbability) {
            arrival += 3_000; // overtaken by the next packet or two
        }
        return arrival;
    }

    /** What the receiver reports at {@code t}: everything up to the newest packet that has arrived. */
    private FeedbackReport feedback(long t) {
        int newest = -1;
        for (int i = nextToReport; i < sent; i++) {
            if (arrivals[i] <= t) {
                newest = i;
            }
        }
        if (newest < 0) {
            return null;
        }
        FeedbackReport r = new FeedbackReport();
        for (int i = nextToReport; i <= newest; i++) {
            boolean arrived = arrivals[i] <= t;
            r.add(sendTimes[i], arrived ? arrivals[i] + RECEIVER_CLOCK_OFFSET : FeedbackReport.LOST, sizes[i], clusters[i]);
        }
        nextToReport = newest + 1;
        return r;
    }

    /** The estimates sampled in [from, to] µs. */
    long[] between(long from, long to) {
        return samples.stream().filter(s -> s[0] >= from && s[0] <= to).mapToLong(s -> s[1]).toArray();
    }

    long min(long from, long to) {
        return Arrays.stream(between(from, to)).min().orElseThrow();
    }

    long max(long from, long to) {
        return Arrays.stream(between(from, to)).max().orElseThrow();
    }

    long mean(long from, long to) {
        return (long) Arrays.stream(between(from, to)).average().orElseThrow();
    }

    /** The first sample time at or after {@code from} whose estimate satisfies the test, or -1. */
    long firstTime(long from, java.util.function.LongPredicate test) {
        for (long[] s : samples) {
            if (s[0] >= from && test.test(s[1])) {
                return s[0];
            }
        }
        return -1;
    }

    /** One line per second, for the test's output. */
    String trace() {
        StringBuilder b = new StringBuilder();
        for (long[] s : samples) {
            if (s[0] % 1_000_000 == 0) {
                b.append(s[0] / 1_000_000).append("s:").append(s[1] / 1000).append("k ");
            }
        }
        return b.toString();
    }
}
