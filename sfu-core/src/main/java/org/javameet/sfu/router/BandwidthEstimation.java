package org.javameet.sfu.router;

import io.netty.buffer.ByteBuf;
import org.javameet.sfu.bwe.FeedbackReport;
import org.javameet.sfu.bwe.SendHistory;
import org.javameet.sfu.bwe.SendSideEstimator;
import org.javameet.sfu.metrics.MediaMetrics;
import org.javameet.sfu.rtcp.TransportCcFeedback;
import org.javameet.sfu.rtp.TransportWideSequence;

/**
 * A subscriber's send side of transport-wide congestion control: stamps every RTP packet sent on its link
 * with the next transport-wide sequence number, remembers when it went out, and turns the browser's feedback
 * into its bandwidth estimate, probing the path when the estimate holds the subscriber back ({@link Prober}).
 * Exists only once the subscriber's answer kept the extension. Media loop only.
 */
final class BandwidthEstimation {
    private final int extensionId;
    private final SendHistory history = new SendHistory();
    private final SendSideEstimator estimator = new SendSideEstimator(SendSideEstimator.Config.DEFAULT);
    private final FeedbackReport report = new FeedbackReport();
    private final Prober prober = new Prober();

    BandwidthEstimation(int extensionId) {
        this.extensionId = extensionId;
    }

    int extensionId() {
        return extensionId;
    }

    /**
     * Writes the next sequence number into the packet's reserved element (see
     * {@code RtpRewriter.copyWithExtensions}) and records it, just before the packet is sent.
     */
    void stamp(ByteBuf packet, long nowMicros) {
        int cluster = prober.activeCluster();
        int size = packet.readableBytes();
        int seq = history.register(nowMicros, size, cluster);
        TransportWideSequence.set(packet, extensionId, seq);
        if (cluster != FeedbackReport.NO_CLUSTER) {
            estimator.probes().onSent(cluster);
            prober.onClusterPacket(size);
        }
    }

    /** When this subscriber's path is probed; packets stamped while a probe is sent belong to its cluster. */
    Prober prober() {
        return prober;
    }

    void onFeedback(TransportCcFeedback feedback, long nowMicros, MediaMetrics metrics) {
        metrics.transportCcFeedback.increment();
        long unmatchedBefore = history.unmatched();
        if (history.match(feedback, report) > 0) {
            estimator.onFeedback(nowMicros, report);
        }
        long unmatched = history.unmatched() - unmatchedBefore;
        if (unmatched > 0) {
            metrics.transportCcUnmatched.increment(unmatched);
        }
    }

    /**
     * bits per second, or -1 until feedback arrived: a peer that kept the extension but never sends feedback
     * must not show up as the estimator's starting value.
     */
    long estimate() {
        return estimator.reports() > 0 ? estimator.estimate() : -1;
    }

    SendSideEstimator estimator() {
        return estimator;
    }
}
