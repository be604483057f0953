package org.javameet.sfu.router;

import java.util.List;

/**
 * What forwarding needs to know of one incoming track, as negotiated with its publisher.
 *
 * @param video video gets a packet cache, NACKs towards the publisher and keyframe requests
 * @param payloadType the publisher's payload type for the track's codec
 * @param clockRate the codec's RTP clock rate (receiver-report jitter)
 * @param ssrc the announced media SSRC; 0: learnt from the first packet that names {@code mid} in its MID header
 *             extension, or else from the first unknown SSRC with {@code payloadType}
 * @param rtxSsrc the SSRC of the track's RTX stream, or 0 (not negotiated, or learnt like {@code ssrc})
 * @param audioLevelExtId the publisher's id for the ssrc-audio-level header extension, or 0
 * @param mid the track's m-section id on the publish connection, or null
 * @param midExtId the publisher's id for the MID header extension (RFC 8843 §15.2), or 0
 * @param rtxPayloadType the publisher's RTX payload type for this track, or 0
 * @param rids a simulcast track's layers by rid, lowest first (each layer's SSRC learnt from the packet whose
 *             rid extension, {@code ridExtId}, names it; its RTX SSRC likewise by {@code repairedRidExtId});
 *             empty for a track of one encoding
 */
public record ProducerParams(boolean video, int payloadType, int clockRate, long ssrc, long rtxSsrc,
                             int audioLevelExtId, String mid, int midExtId, int rtxPayloadType,
                             List<String> rids, int ridExtId, int repairedRidExtId) {

    public ProducerParams {
        rids = List.copyOf(rids);
    }

    /** A track of one encoding, its SSRCs announced or learnt by MID. */
    public ProducerParams(boolean video, int payloadType, int clockRate, long ssrc, long rtxSsrc,
                          int audioLevelExtId, String mid, int midExtId, int rtxPayloadType) {
        this(video, payloadType, clockRate, ssrc, rtxSsrc, audioLevelExtId, mid, midExtId, rtxPayloadType, List.of(), 0, 0);
    }

    /** How many layers the producer keeps: its rids, or the one encoding. */
    public int layerCount() {
        return rids.isEmpty() ? 1 : rids.size();
    }

    /** A track whose SSRCs were announced (a=ssrc), without MID-based learning. */
    public ProducerParams(boolean video, int payloadType, int clockRate, long ssrc, long rtxSsrc, int audioLevelExtId) {
        this(video, payloadType, clockRate, ssrc, rtxSsrc, audioLevelExtId, null, 0, 0);
    }
}
