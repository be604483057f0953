package org.javameet.sfu.router;

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
 */
public record ProducerParams(boolean video, int payloadType, int clockRate, long ssrc, long rtxSsrc,
                             int audioLevelExtId, String mid, int midExtId, int rtxPayloadType) {

    /** A track whose SSRCs were announced (a=ssrc), without MID-based learning. */
    public ProducerParams(boolean video, int payloadType, int clockRate, long ssrc, long rtxSsrc, int audioLevelExtId) {
        this(video, payloadType, clockRate, ssrc, rtxSsrc, audioLevelExtId, null, 0, 0);
    }
}
