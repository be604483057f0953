package org.javameet.sfu.bwe;

/**
 * What one bandwidth probe got through (libwebrtc's ProbeBitrateEstimator, for one cluster at a time). A probe
 * cluster is a short train of packets — the media sent meanwhile plus padding — sent faster than the estimate; its
 * transport-cc feedback says how fast it arrived. The result is the lower of the send and the receive rate: a path
 * that kept up delivers the train at the rate it was sent, a saturated one at its capacity. A path that arrived
 * clearly slower than sent (under {@value #UNSATURATED_RATIO} of it) gets {@value #TARGET_UTILIZATION} of the
 * receive rate, as libwebrtc does: the capacity, with room for the queue that built up.
 *
 * <p>The cluster's packets are counted as they are sent ({@link #onSent}) and as feedback reports them
 * ({@link #onReported}); once sending has ended ({@link #finishSending}) and every packet was reported, received or
 * lost, {@link #takeResult} gives the rate, or 0 for a probe that measured nothing (fewer than
 * {@value #MIN_RECEIVED_SHARE} of the packets or {@value #MIN_PACKETS} arrived, an interval of 0 or over a second,
 * or a train that arrived bunched up).
 * Not thread-safe; allocates nothing.
 */
public final class ProbeBitrateEstimator {
    static final int MIN_PACKETS = 5;
    static final double MIN_RECEIVED_SHARE = 0.8;
    static final double UNSATURATED_RATIO = 0.9;
    static final double TARGET_UTILIZATION = 0.95;
    /** A send interval longer than this is not a probe (libwebrtc: 1 s). */
    static final long MAX_INTERVAL_MICROS = 1_000_000;
    /**
     * A train that arrived more than this many times faster than it was sent was bunched up on the way (queued behind
     * something, then released): it measured the queue, not the path.
     */
    static final double MAX_RECEIVE_SEND_RATIO = 2.0;

    private int cluster = FeedbackReport.NO_CLUSTER;
    private boolean sending;
    private int sent;
    private int reported;
    private int received;
    private long bytesReceived;
    private long firstSend;
    private long lastSend;
    private int lastSendSize;
    private long firstArrival;
    private int firstArrivalSize;
    private long lastArrival;

    /** A new cluster starts; any result of the previous one not taken is forgotten. */
    public void start(int clusterId) {
        cluster = clusterId;
        sending = true;
        sent = 0;
        reported = 0;
        received = 0;
        bytesReceived = 0;
        firstSend = Long.MAX_VALUE;
        lastSend = Long.MIN_VALUE;
        firstArrival = Long.MAX_VALUE;
        lastArrival = Long.MIN_VALUE;
    }

    /** The cluster being measured, or {@link FeedbackReport#NO_CLUSTER}. */
    public int cluster() {
        return cluster;
    }

    /** A packet of {@code clusterId} was sent. */
    public void onSent(int clusterId) {
        if (clusterId == cluster && sending) {
            sent++;
        }
    }

    /** The cluster's train is complete: no more packets will be tagged with it. */
    public void finishSending(int clusterId) {
        if (clusterId == cluster) {
            sending = false;
        }
    }

    /** Packets of the cluster sent so far. */
    public int sent() {
        return sent;
    }

    /** Feedback told about one packet of {@code clusterId}: its send time, arrival ({@link FeedbackReport#LOST}) and size. */
    public void onReported(int clusterId, long sendMicros, long arrivalMicros, int size) {
        if (clusterId != cluster || clusterId == FeedbackReport.NO_CLUSTER) {
            return;
        }
        reported++;
        if (arrivalMicros == FeedbackReport.LOST) {
            return;
        }
        received++;
        bytesReceived += size;
        if (sendMicros < firstSend) {
            firstSend = sendMicros;
        }
        if (sendMicros >= lastSend) {
            lastSend = sendMicros;
            lastSendSize = size;
        }
        if (arrivalMicros < firstArrival) {
            firstArrival = arrivalMicros;
            firstArrivalSize = size;
        }
        if (arrivalMicros > lastArrival) {
            lastArrival = arrivalMicros;
        }
    }

    /** True once the cluster was sent and every packet of it reported. */
    public boolean complete() {
        return cluster != FeedbackReport.NO_CLUSTER && !sending && reported >= sent;
    }

    /**
     * The measured rate in bits per second, 0 when the probe could not be measured; the cluster is done with
     * (another {@link #start} is needed). Only when {@link #complete()}.
     */
    public long takeResult() {
        cluster = FeedbackReport.NO_CLUSTER;
        if (received < MIN_PACKETS || received < Math.ceil(MIN_RECEIVED_SHARE * sent)) {
            return 0;
        }
        long sendInterval = lastSend - firstSend;
        long receiveInterval = lastArrival - firstArrival;
        if (sendInterval <= 0 || sendInterval > MAX_INTERVAL_MICROS || receiveInterval <= 0
                || receiveInterval > MAX_INTERVAL_MICROS) {
            return 0;
        }
        // a packet's bytes took the interval after it was sent and before it arrived: leave out the last sent, the
        // first arrived
        double sendRate = (bytesReceived - lastSendSize) * 8e6 / sendInterval;
        double receiveRate = (bytesReceived - firstArrivalSize) * 8e6 / receiveInterval;
        if (receiveRate > MAX_RECEIVE_SEND_RATIO * sendRate) {
            return 0;
        }
        double rate = Math.min(sendRate, receiveRate);
        if (receiveRate < UNSATURATED_RATIO * sendRate) {
            rate = TARGET_UTILIZATION * receiveRate;
        }
        return (long) rate;
    }
}
