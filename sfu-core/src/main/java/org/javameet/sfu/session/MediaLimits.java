package org.javameet.sfu.session;

/**
 * What one participant may make the media session hold for everyone (issue 15: one 1,000-m-line publish offer
 * gave every other member a 0.65 MB subscribe offer, more than their answers may carry, and stuck them).
 *
 * @param maxTracksPerParticipant sending audio/video m-sections in one publish offer (camera, microphone and a
 *     screen need 3)
 * @param maxPublishSections m-sections of any kind in one publish offer; browsers keep a stopped track's
 *     section, so a long meeting with many screen shares grows it slowly
 * @param maxSubscribeSections m-sections in a member's subscribe offer; removed tracks stay as inactive
 *     sections, so this bounds the offer's size (about 650 bytes each) over a meeting's lifetime
 */
public record MediaLimits(int maxTracksPerParticipant, int maxPublishSections, int maxSubscribeSections) {
    public MediaLimits {
        if (maxTracksPerParticipant < 1 || maxPublishSections < maxTracksPerParticipant
                || maxSubscribeSections < 1) {
            throw new IllegalArgumentException("need 1 <= maxTracksPerParticipant <= maxPublishSections and "
                    + "maxSubscribeSections >= 1");
        }
    }

    public static MediaLimits defaults() {
        return new MediaLimits(8, 64, 300);
    }
}
