package org.javameet.sfu.router;

import org.javameet.sfu.bwe.FeedbackReport;
import org.javameet.sfu.bwe.SendSideEstimator;

/**
 * When and how hard one subscriber's path is probed (libwebrtc's ProbeController, in small). The estimate cannot
 * climb past 1.5 × what the subscriber acknowledges, so a subscriber that the allocator holds on a low layer — after
 * a weak spell on its downlink, or from the start on a slow first estimate — would never learn that the path has
 * room again, except by the allocator's trials of the next rung, backed off up to 16 s. A probe asks directly: for
 * {@value #CLUSTER_MILLIS} ms (and at least {@value #CLUSTER_MIN_PACKETS} packets) the subscriber's traffic is
 * topped up with padding to {@value #PROBE_FACTOR} × the estimate (no more than {@value #WANTED_HEADROOM} × what its
 * tiles want), and the rate the feedback shows got through becomes the estimate when it is higher
 * ({@link SendSideEstimator}).
 *
 * <p>A probe runs only while the estimate holds the subscriber back (it wants at least 1.2 × the estimate). After a
 * probe that raised the estimate the next comes {@value #AFTER_GAIN_MILLIS} ms later, so the estimate doubles a
 * second up to what is wanted; after one that did not, the wait doubles from {@value #BACKOFF_MIN_MILLIS} ms to
 * {@value #BACKOFF_MAX_MILLIS} ms (libwebrtc probes an application-limited path every 5 s). Each probe costs the path
 * {@value #CLUSTER_MILLIS} ms at twice the estimate: a narrow path sees a brief queue, not a lasting one.
 *
 * <p>Media loop only; allocates nothing.
 */
final class Prober {
    /**
     * {@code -Djavameet.bwe.probing=false} turns probing off: for measuring what it does (the load harness's
     * {@code --probing off}), not a setting for operators.
     */
    static final boolean ENABLED = !"false".equals(System.getProperty("javameet.bwe.probing"));
    static final long CLUSTER_MILLIS = 20;
    static final int CLUSTER_MIN_PACKETS = 7;
    /** A cluster that could not be sent within this long (no padding carrier) is dropped. */
    static final long CLUSTER_MAX_MILLIS = 200;
    /** The most an RTP packet's padding can be (its count is one byte). */
    static final int PADDING_BYTES = 255;
    static final double PROBE_FACTOR = 2.0;
    static final double WANTED_HEADROOM = 1.25;
    /** Probing is for a subscriber that wants clearly more than its estimate. */
    static final double HELD_BACK_RATIO = 1.2;
    /** A probe counts as a gain when it raised the estimate by this much. */
    static final double GAIN_RATIO = 1.1;
    static final long FIRST_PROBE_DELAY_MILLIS = 1_000;
    static final long AFTER_GAIN_MILLIS = 1_000;
    static final long BACKOFF_MIN_MILLIS = 2_000;
    static final long BACKOFF_MAX_MILLIS = 5_000;
    /** The feedback for a cluster comes within a round trip and a feedback interval; after this it is lost. */
    static final long RESULT_TIMEOUT_MILLIS = 1_000;

    enum Outcome { RAISED, NO_GAIN, UNMEASURED }

    /** What happened to each probe: for metrics. */
    interface Listener {
        void probed(Outcome outcome);
    }

    private enum State { IDLE, SENDING, MEASURING }

    private State state = State.IDLE;
    private int clusterId;
    private long targetBps;
    private long startedNanos;
    private long sentNanos;
    private long clusterBytes;
    private int clusterPackets;
    private long estimateAtStart;
    private long resultsSeen;
    /** Long.MIN_VALUE until the first estimate arrives. */
    private long nextProbeNanos = Long.MIN_VALUE;
    private long backoffNanos = BACKOFF_MIN_MILLIS * 1_000_000;

    /**
     * Once per layer pass: judges a probe whose feedback arrived, and starts the next when one is due and the
     * subscriber is held back. True when a cluster started: padding is to be sent ({@link #paddingDue}).
     *
     * @param estimate the subscriber's estimate, ≤ 0 when there is none
     * @param wanted what the subscriber's consumers would take with an unlimited estimate
     */
    boolean consider(long nowNanos, long estimate, long wanted, SendSideEstimator estimator, Listener listener) {
        if (state == State.MEASURING) {
            if (estimator.probeResults() != resultsSeen) {
                resultsSeen = estimator.probeResults();
                long result = estimator.lastProbeResult();
                boolean gained = result > 0 && estimator.estimate() >= estimateAtStart * GAIN_RATIO;
                listener.probed(result <= 0 ? Outcome.UNMEASURED : gained ? Outcome.RAISED : Outcome.NO_GAIN);
                afterProbe(nowNanos, gained);
            } else if (nowNanos - sentNanos > RESULT_TIMEOUT_MILLIS * 1_000_000) {
                listener.probed(Outcome.UNMEASURED);
                afterProbe(nowNanos, false);
            }
        }
        if (state != State.IDLE || estimate <= 0 || !ENABLED) {
            return false;
        }
        if (nextProbeNanos == Long.MIN_VALUE) {
            nextProbeNanos = nowNanos + FIRST_PROBE_DELAY_MILLIS * 1_000_000;
            return false;
        }
        long target = Math.min((long) (PROBE_FACTOR * estimate), (long) (WANTED_HEADROOM * wanted));
        if (nowNanos < nextProbeNanos || target < HELD_BACK_RATIO * estimate) {
            return false;
        }
        state = State.SENDING;
        clusterId++;
        targetBps = target;
        startedNanos = nowNanos;
        clusterBytes = 0;
        clusterPackets = 0;
        estimateAtStart = estimate;
        estimator.probes().start(clusterId);
        return true;
    }

    private void afterProbe(long nowNanos, boolean gained) {
        state = State.IDLE;
        if (gained) {
            backoffNanos = BACKOFF_MIN_MILLIS * 1_000_000;
            nextProbeNanos = nowNanos + AFTER_GAIN_MILLIS * 1_000_000;
        } else {
            nextProbeNanos = nowNanos + backoffNanos;
            backoffNanos = Math.min(BACKOFF_MAX_MILLIS * 1_000_000, backoffNanos * 2);
        }
    }

    /** The cluster packets sent now belong to, or {@link FeedbackReport#NO_CLUSTER}. */
    int activeCluster() {
        return state == State.SENDING ? clusterId : FeedbackReport.NO_CLUSTER;
    }

    boolean sending() {
        return state == State.SENDING;
    }

    /** A packet of the active cluster went out: media or padding. */
    void onClusterPacket(int bytes) {
        clusterBytes += bytes;
        clusterPackets++;
    }

    /**
     * Padding bytes to send now to keep the cluster at its target rate (a drain interval ahead, so the first drain
     * sends something), 0 when none; past {@value #CLUSTER_MILLIS} ms, one more packet while the cluster is short of
     * {@value #CLUSTER_MIN_PACKETS}. {@link #finished} closes it.
     */
    long paddingDue(long nowNanos) {
        if (state != State.SENDING) {
            return 0;
        }
        long elapsed = nowNanos - startedNanos + Pacer.DRAIN_INTERVAL_NANOS;
        long due = (long) (targetBps / 8.0 * Math.min(elapsed, CLUSTER_MILLIS * 1_000_000) / 1e9) - clusterBytes;
        if (due <= 0 && nowNanos - startedNanos >= CLUSTER_MILLIS * 1_000_000 && clusterPackets < CLUSTER_MIN_PACKETS) {
            due = PADDING_BYTES; // long enough, not yet enough packets to measure
        }
        return Math.max(0, due);
    }

    /**
     * True when the cluster is complete (long enough, with enough packets) or has to be given up; then it is
     * closed for sending and awaits its feedback.
     */
    boolean finished(long nowNanos, SendSideEstimator estimator) {
        if (state != State.SENDING) {
            return false;
        }
        long elapsed = nowNanos - startedNanos;
        boolean complete = elapsed >= CLUSTER_MILLIS * 1_000_000 && clusterPackets >= CLUSTER_MIN_PACKETS;
        if (!complete && elapsed < CLUSTER_MAX_MILLIS * 1_000_000) {
            return false;
        }
        estimator.probes().finishSending(clusterId);
        state = State.MEASURING;
        sentNanos = nowNanos;
        return true;
    }

    /** No consumer can carry padding: the cluster ends now and is judged as lost. */
    void abandon(long nowNanos, SendSideEstimator estimator) {
        if (state == State.SENDING) {
            estimator.probes().finishSending(clusterId);
            state = State.MEASURING;
            sentNanos = nowNanos - RESULT_TIMEOUT_MILLIS * 1_000_000; // judged UNMEASURED at the next pass
        }
    }
}
