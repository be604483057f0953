package org.javameet.sfu.session;

import java.util.List;

/**
 * The next offer on a participant's subscribe connection; the answer must name {@code version}.
 *
 * @param tracks one per m-section, in order
 */
public record SubscribeOffer(String sdp, long version, List<OfferedTrack> tracks) {
    /**
     * @param publisherId the participant whose track this m-section shows
     * @param kind "audio" or "video"
     * @param active false once the track is gone (the m-section stays, inactive)
     * @param label what the publisher said the track shows (see {@link TrackLabeler})
     */
    public record OfferedTrack(String mid, String publisherId, String kind, boolean active, String label) {
    }
}
