package org.javameet.sfu.session;

import org.javameet.sfu.router.ConsumerParams;
import org.javameet.sfu.router.ProducerParams;
import org.javameet.sfu.rtp.Vp8;
import org.javameet.sfu.webrtc.MediaKind;
import org.javameet.sfu.webrtc.PublishedTrack;
import org.javameet.sfu.webrtc.SubscribeNegotiation;

/** Turns what negotiation agreed into the router's producer and consumer parameters: the only place the two meet. */
final class ForwardingParams {
    private static final int[] NONE = new int[0];

    private ForwardingParams() {
    }

    static ProducerParams producer(PublishedTrack t) {
        return new ProducerParams(t.kind() == MediaKind.VIDEO, t.codec().payloadType(), t.codec().clockRate(),
                t.mediaSsrc(), t.rtx() == null ? 0 : t.rtxSsrc(), t.audioLevelExtId(), t.mid(), t.midExtId(),
                t.rtx() == null ? 0 : t.rtx().payloadType(), t.rids(), t.ridExtId(), t.repairedRidExtId());
    }

    /**
     * A consumer of {@code source} on the subscribe m-section {@code t}: the SFU's own payload types (see
     * {@link SubscribeNegotiation}); audio keeps its level extension, renumbered to the id offered to subscribers.
     */
    static ConsumerParams consumer(SubscribeNegotiation.Track t, ProducerParams source) {
        if (source.video()) {
            return new ConsumerParams(t.mid(), t.ssrc(), t.rtxSsrc(), SubscribeNegotiation.VP8.payloadType(),
                    SubscribeNegotiation.VP8_RTX.payloadType(), NONE, NONE, Vp8::isKeyframe);
        }
        int level = source.audioLevelExtId();
        return new ConsumerParams(t.mid(), t.ssrc(), t.rtxSsrc(), SubscribeNegotiation.OPUS.payloadType(), 0,
                level != 0 ? new int[] {level} : NONE,
                level != 0 ? new int[] {SubscribeNegotiation.AUDIO_LEVEL_EXT_ID} : NONE, null);
    }
}
