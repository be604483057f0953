package org.javameet.peer;

import java.util.Arrays;
import java.util.List;
import org.javameet.sfu.webrtc.MediaKind;

/**
 * What one participant received on one m-line of its subscribe connection: an immutable snapshot.
 *
 * @param offeredSsrc the SSRC the server's subscribe offer announced for this m-line
 * @param lastSsrc the SSRC of the last media packet received (0 before any)
 * @param bytes RTP payload bytes of media packets
 * @param lost expected minus distinct sequence numbers received (RFC 3550 A.3); retransmissions fill gaps
 * @param firstPacketKeyframe whether the first media packet began a keyframe; null before any (and for audio)
 * @param firstPacketNanos {@link System#nanoTime} of the first media packet, 0 before any
 * @param retransmissions RTX packets received
 * @param recentRtxOsns original sequence numbers of the last RTX packets (up to 32)
 * @param seqOffset this stream's sequence number minus the publisher's (mod 2^16), from the embedded stamp
 * @param timestampOffset this stream's RTP timestamp minus the publisher's (mod 2^32)
 * @param offsetChanges how often either offset changed after the first packet (0 = consistent rewriting)
 * @param lastSenderReportRtpTimestamp RTP timestamp of the last SR whose sender SSRC was this stream's
 * @param windowArrivals media packets (RTX included) whose stamp lies in the runtime's {@link MeasurementWindow}
 * @param windowDelivered of those, the ones with a new sequence number (a repaired gap counts once)
 * @param windowRetransmissions of those, RTX packets and primary-stream packets that came late or again
 * @param resumes packets that came after 500 ms or more without one (a paused stream going on again)
 * @param resumesAtKeyframe of those, the ones that began a keyframe (for video; a resumed video must)
 * @param timestampBackwards packets in order whose RTP timestamp was below the previous one's (0: monotonic)
 * @param pictureIdJumps VP8 frames in order whose PictureID was not the previous frame's plus one (a lost frame
 *                       counts; 0: continuous)
 * @param offsetChangesAtKeyframe of {@code offsetChanges}, those on a packet that began a keyframe (a simulcast
 *                                switch must be one)
 * @param keyframeWidth the size the last keyframe announced (0 before one): which simulcast layer arrives
 * @param windowBytes RTP bytes (header and payload) of the window's arrivals, retransmissions included
 * @param forwardedRuns video: which layer the SFU forwarded when, in runs near the window (see
 *                      {@link ForwardedRun}); empty for audio
 * @param latencyNanos the last (up to 4096) one-way delays of delivered packets sent inside the window,
 *                     send stamp to receipt, same JVM clock (in ring order: not chronological once it wrapped)
 */
public record RemoteTrackStats(String mid, String participantId, MediaKind kind, boolean active, long offeredSsrc,
                               long offeredRtxSsrc, long lastSsrc, int lastPayloadType, long packets, long bytes,
                               long lost, long duplicates, long outOfOrder, long keyframes,
                               Boolean firstPacketKeyframe, long firstPacketNanos, long lastPacketNanos,
                               long retransmissions, List<Integer> recentRtxOsns, long nacksSent, long plisSent,
                               long unknownSenderIds, int lastSenderId, int seqOffset, long timestampOffset,
                               long offsetChanges, long senderReports, long lastSenderReportSsrc,
                               long lastSenderReportNtp, long lastSenderReportRtpTimestamp, long highestSeq,
                               long windowArrivals, long windowDelivered, long windowRetransmissions,
                               long[] latencyNanos, long resumes, long resumesAtKeyframe, long timestampBackwards,
                               long pictureIdJumps, long offsetChangesAtKeyframe, int keyframeWidth,
                               int keyframeHeight, long windowBytes, List<ForwardedRun> forwardedRuns) {

    /** Latency at quantile {@code q} (0..1) of the kept samples, in nanoseconds; -1 without samples. */
    public long latencyQuantile(double q) {
        if (latencyNanos.length == 0) {
            return -1;
        }
        long[] s = latencyNanos.clone();
        Arrays.sort(s);
        int i = (int) Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1));
        return s[i];
    }

    @Override
    public String toString() {
        return String.format("%s %s of %s (mid %s, ssrc %d%s): %d pkts, %d B, lost %d, kf %d, rtx %d, p50 %.2f ms",
                kind, active ? "active" : "inactive", participantId, mid, lastSsrc,
                lastSsrc == offeredSsrc ? "" : " offered " + offeredSsrc, packets, bytes, lost, keyframes,
                retransmissions, latencyQuantile(0.5) / 1e6);
    }
}
