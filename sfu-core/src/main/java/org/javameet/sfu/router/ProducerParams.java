package org.javameet.sfu.router;

/**
 * What forwarding needs to know of one incoming track, as negotiated with its publisher.
 *
 * @param video video gets a packet cache, NACKs towards the publisher and keyframe requests
 * @param payloadType the publisher's payload type for the track's codec
 * @param clockRate the codec's RTP clock rate (receiver-report jitter)
 * @param ssrc the announced media SSRC; 0 learns it from the first unknown SSRC with {@code payloadType}
 * @param rtxSsrc the SSRC of the track's RTX stream, or 0 when RTX is not negotiated
 * @param audioLevelExtId the publisher's id for the ssrc-audio-level header extension, or 0
 */
public record ProducerParams(boolean video, int payloadType, int clockRate, long ssrc, long rtxSsrc,
                             int audioLevelExtId) {
}
