package org.javameet.peer;

import java.util.List;
import org.javameet.sfu.webrtc.MediaKind;

/**
 * Everything one {@link Participant} measured: an immutable snapshot.
 *
 * @param joinStartNanos {@link System#nanoTime} when {@link Participant#join} was called
 * @param joinedNanos when the server's {@code joined} arrived
 * @param publishTransport null when not publishing
 * @param subscribeTransport null before the first subscribe offer
 * @param unknownSsrcPackets RTP on the subscribe connection with an SSRC no m-line announced
 */
public record ParticipantStats(String participantId, long joinStartNanos, long joinedNanos,
                               List<LocalTrackStats> published, List<RemoteTrackStats> received,
                               PeerConnection.Stats publishTransport, PeerConnection.Stats subscribeTransport,
                               long subscribeOffers, long unknownSsrcPackets, long rtcpMalformed) {

    /** The m-line showing {@code participantId}'s track of this kind (the active one if several), or null. */
    public RemoteTrackStats received(String participantId, MediaKind kind) {
        RemoteTrackStats found = null;
        for (RemoteTrackStats t : received) {
            if (participantId.equals(t.participantId()) && t.kind() == kind && (found == null || t.active())) {
                found = t;
            }
        }
        return found;
    }

    public LocalTrackStats published(MediaKind kind) {
        for (LocalTrackStats t : published) {
            if (t.kind() == kind) {
                return t;
            }
        }
        return null;
    }
}
