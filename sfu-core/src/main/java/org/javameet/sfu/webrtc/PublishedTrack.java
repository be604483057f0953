package org.javameet.sfu.webrtc;

import org.javameet.sfu.sdp.RtpCodec;
import org.javameet.sfu.sdp.Simulcast;

/**
 * One track a publisher sends, as negotiated: the codec the SFU accepted for it (and its RTX, if any),
 * the SSRCs announced in the offer and the header extension ids the publisher writes.
 *
 * @param rtx the RTX codec paired with {@code codec}, or null
 * @param mediaSsrc 0 when the offer carried no a=ssrc (then the first packet's SSRC is learnt via the mid extension)
 * @param audioLevelExtId 0 when not negotiated; likewise the other ids
 * @param simulcast the layers (rids, lowest first) of a simulcast track, or null for one encoding; the SSRCs of a
 *                  simulcast track are learnt from the rid ({@code ridExtId}) and repaired-rid extensions
 */
public record PublishedTrack(String mid, MediaKind kind, RtpCodec codec, RtpCodec rtx, long mediaSsrc, long rtxSsrc,
                             int audioLevelExtId, int absSendTimeExtId, int midExtId, String streamId, String trackId,
                             Simulcast simulcast, int ridExtId, int repairedRidExtId) {

    /** The track's rids, lowest layer first; empty for a track of one encoding. */
    public java.util.List<String> rids() {
        return simulcast == null ? java.util.List.of() : simulcast.rids();
    }
}
