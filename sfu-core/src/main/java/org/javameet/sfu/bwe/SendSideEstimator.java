package org.javameet.sfu.bwe;

/**
 * One subscriber's send-side bandwidth estimate: the delay-based rate ({@link AimdRateController} driven by
 * {@link InterArrival}, {@link TrendlineEstimator} and {@link OveruseDetector}) capped by the loss-based one
 * ({@link LossBasedControl}). Fed one {@link FeedbackReport} per transport-cc feedback; the round trip comes
 * from the feedback itself (now − send time of the newest packet it acknowledges, smoothed), an upper
 * bound that includes the receiver's feedback delay.
 *
 * <p>The delay-based rate cannot climb above 1.5 x what was acknowledged, so a sender that sends less than the path
 * could carry (a subscriber held on a low simulcast layer) would never learn the path got better. Bandwidth probes
 * answer that: a cluster of packets sent faster than the estimate ({@link #probes()}), whose measured rate, when
 * above the estimate and the delay is not rising, becomes the estimate at once (as goog_cc's probe result does).
 *
 * <p>Not thread-safe; the caller's thread (the media loop) owns it. Allocates nothing per feedback.
 */
public final class SendSideEstimator {
    /**
     * @param startBps the estimate before any feedback
     * @param minBps the estimate never goes below this (audio must get through)
     * @param maxBps nor above this
     */
    public record Config(long startBps, long minBps, long maxBps) {
        public static final Config DEFAULT = new Config(1_000_000, 50_000, 20_000_000);

        public Config {
            if (minBps <= 0 || minBps > startBps || startBps > maxBps) {
                throw new IllegalArgumentException("need 0 < min <= start <= max: " + minBps + " " + startBps + " " + maxBps);
            }
        }
    }

    private static final long DEFAULT_RTT_MICROS = 100_000;

    private final Config config;
    private final InterArrival interArrival = new InterArrival();
    private final TrendlineEstimator trendline = new TrendlineEstimator();
    private final OveruseDetector detector = new OveruseDetector();
    private final AcknowledgedBitrate acked = new AcknowledgedBitrate();
    private final AimdRateController aimd;
    private final LossBasedControl loss;
    private final InterArrival.Listener onGroup = this::onGroupDelta;
    private boolean overuseInReport;
    private long rttMicros = -1;
    private long estimate;
    private long reports;
    private final ProbeBitrateEstimator probes = new ProbeBitrateEstimator();
    private long lastProbeResult = -1;
    private long probeResults;

    public SendSideEstimator(Config config) {
        this.config = config;
        this.aimd = new AimdRateController(config.startBps(), config.minBps(), config.maxBps());
        this.loss = new LossBasedControl(config.maxBps());
        this.estimate = config.startBps();
    }

    /** One feedback's worth of packets, matched to their send times; {@code nowMicros} is the sender's clock. */
    public void onFeedback(long nowMicros, FeedbackReport report) {
        int lost = 0;
        long newestAckedSend = Long.MIN_VALUE;
        overuseInReport = false;
        for (int i = 0; i < report.count(); i++) {
            if (report.cluster(i) != FeedbackReport.NO_CLUSTER) {
                probes.onReported(report.cluster(i), report.sendTimeMicros(i), report.arrivalTimeMicros(i), report.size(i));
            }
            if (report.lost(i)) {
                lost++;
                continue;
            }
            long send = report.sendTimeMicros(i);
            long arrival = report.arrivalTimeMicros(i);
            newestAckedSend = Math.max(newestAckedSend, send);
            acked.onPacket(arrival, report.size(i));
            interArrival.onPacket(send, arrival, onGroup);
        }
        if (report.count() == 0) {
            return;
        }
        reports++;
        if (newestAckedSend != Long.MIN_VALUE) {
            long sample = Math.max(0, nowMicros - newestAckedSend);
            rttMicros = rttMicros < 0 ? sample : (7 * rttMicros + sample) / 8;
        }
        long rtt = rttMicros < 0 ? DEFAULT_RTT_MICROS : rttMicros;
        BandwidthUsage usage = overuseInReport ? BandwidthUsage.OVERUSING : detector.state();
        long delayBased = aimd.update(usage, acked.bitrate(), rtt, nowMicros);
        loss.onReport(lost, report.count(), estimate, acked.bitrate(), rtt, nowMicros);
        if (probes.complete()) {
            lastProbeResult = probes.takeResult();
            probeResults++;
            // a probe that got more through than the estimate says, while the delay is not rising: the path has room
            if (lastProbeResult > delayBased && usage != BandwidthUsage.OVERUSING) {
                delayBased = aimd.raiseTo(lastProbeResult, nowMicros);
                loss.raiseTo(lastProbeResult);
            }
        }
        estimate = Math.max(config.minBps(), Math.min(delayBased, loss.cap()));
    }

    /** Where the sender's bandwidth probes are counted and measured. */
    public ProbeBitrateEstimator probes() {
        return probes;
    }

    /** The last probe's measured rate in bits per second (0: it measured nothing), -1 before any. */
    public long lastProbeResult() {
        return lastProbeResult;
    }

    /** How many probes were measured (a new one: this changed). */
    public long probeResults() {
        return probeResults;
    }

    private void onGroupDelta(long sendDeltaMicros, long arrivalDeltaMicros, long arrivalMicros) {
        double trend = trendline.update(sendDeltaMicros, arrivalDeltaMicros, arrivalMicros);
        if (detector.detect(trend, sendDeltaMicros, trendline.deltas(), arrivalMicros) == BandwidthUsage.OVERUSING) {
            overuseInReport = true;
        }
    }

    /** The estimate in bits per second. */
    public long estimate() {
        return estimate;
    }

    public long delayBasedEstimate() {
        return aimd.bitrate();
    }

    public long lossBasedCap() {
        return loss.cap();
    }

    /** What the receiver acknowledged lately, bits per second (0 until known). */
    public long acknowledgedBitrate() {
        return acked.bitrate();
    }

    /** Loss over the last loss window (at least {@value LossBasedControl#MIN_PACKETS} packets), 0..1. */
    public double lossFraction() {
        return loss.lossFraction();
    }

    public BandwidthUsage usage() {
        return detector.state();
    }

    /** The feedback round trip in µs, -1 before the first acknowledged packet. */
    public long rttMicros() {
        return rttMicros;
    }

    /** How many non-empty feedback reports went in. */
    public long reports() {
        return reports;
    }

    @Override
    public String toString() {
        return "estimate " + estimate + " bps (delay " + aimd.bitrate() + ", loss cap " + loss.cap() + ", acked "
                + acked.bitrate() + ", " + detector.state() + ", threshold " + Math.round(detector.threshold())
                + ", loss " + Math.round(loss.lossFraction() * 100) + " %, rtt " + rttMicros / 1000 + " ms)";
    }
}
