package org.javameet.peer;

import java.util.List;
import org.javameet.sfu.webrtc.MediaKind;

/**
 * One track a participant publishes, as it sent it and as the server's feedback reached it: an immutable
 * snapshot.
 *
 * @param windowSent media packets (not retransmissions) sent inside the runtime's {@link MeasurementWindow}
 * @param windowFirstSeq the sequence number of the first of them (the others follow it), -1 when none
 * @param recentSenderReports the last (up to 8) sender reports sent, oldest first
 * @param rid the simulcast layer this stream is (one entry per layer, the top first), null without simulcast
 * @param paused the server's {@code layersPaused} stopped this layer now
 * @param layerPauses how often {@code layersPaused} stopped it
 * @param layerResumes how often it started again after that
 */
public record LocalTrackStats(String mid, MediaKind kind, long ssrc, long rtxSsrc, long packetsSent, long bytesSent,
                              long framesSent, long keyframesSent, long plisReceived, long firsReceived,
                              long nacksReceived, long retransmissionsSent, long nackedButGone, long windowSent,
                              int windowFirstSeq,
                              long receiverReports,
                              long lastFractionLost, long lastCumulativeLost, long rembs, long lastRembBitrate,
                              long senderReportsSent, List<SentReport> recentSenderReports, String rid,
                              boolean paused, long layerPauses, long layerResumes) {

    /** One SR as sent: NTP time and the RTP timestamp it maps to. */
    public record SentReport(long ntpTimestamp, long rtpTimestamp) {
    }
}
