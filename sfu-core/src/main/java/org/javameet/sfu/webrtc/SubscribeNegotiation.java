package org.javameet.sfu.webrtc;

import java.util.ArrayList;
import java.util.List;
import org.javameet.sfu.sdp.Attribute;
import org.javameet.sfu.sdp.HeaderExtension;
import org.javameet.sfu.sdp.MediaDescription;
import org.javameet.sfu.sdp.RtpCodec;
import org.javameet.sfu.sdp.SdpException;
import org.javameet.sfu.sdp.SessionDescription;

/**
 * Builds the SFU's offers on a subscriber's receive connection and reads the browser's answers.
 * Payload types and extension ids here are the SFU's own, fixed ones; each Consumer rewrites the
 * publisher's values to these, so publishers with different numbering can share one subscriber transport.
 */
public final class SubscribeNegotiation {
    public static final RtpCodec OPUS = new RtpCodec(111, "opus", 48000, 2, "minptime=10;useinbandfec=1",
            List.of("transport-cc"));
    public static final RtpCodec VP8 = new RtpCodec(96, "VP8", 90000, 1, null,
            List.of("ccm fir", "nack", "nack pli", "transport-cc"));
    public static final RtpCodec VP8_RTX = new RtpCodec(97, "rtx", 90000, 1, "apt=96", List.of());
    /** The one header extension the SFU writes towards subscribers: audio levels, for their own speaker UI. */
    public static final int AUDIO_LEVEL_EXT_ID = 1;
    /**
     * The transport-wide sequence number the SFU stamps on everything it sends a subscriber, so the browser's
     * transport-cc feedback drives that subscriber's send-side bandwidth estimate. Same id in every m-section
     * (they share one BUNDLE transport and one sequence).
     */
    public static final int TRANSPORT_CC_EXT_ID = 3;

    /**
     * One m-section of the offer.
     *
     * @param active false once the track's producer is gone: the m-section stays, {@code inactive}, so mids are never reused
     * @param streamId the publisher's participant id: it becomes the browser-side MediaStream id
     */
    public record Track(String mid, MediaKind kind, boolean active, long ssrc, long rtxSsrc, String streamId,
                        String trackId) {
    }

    private SubscribeNegotiation() {
    }

    public static String offer(LocalTransportParams local, long sessionId, long version, List<Track> tracks) {
        SessionDescription sd = SdpTransportLines.newSession(sessionId, version, local);
        List<String> mids = new ArrayList<>();
        for (Track t : tracks) {
            mids.add(t.mid());
        }
        sd.attributes().add(0, new Attribute("group", "BUNDLE " + String.join(" ", mids)));
        for (Track t : tracks) {
            boolean video = t.kind() == MediaKind.VIDEO;
            List<String> formats = video ? List.of("96", "97") : List.of("111");
            MediaDescription m = new MediaDescription(t.kind().sdpName(), 9, "UDP/TLS/RTP/SAVPF", formats);
            SdpTransportLines.write(m, local, "actpass");
            m.add("mid", t.mid());
            if (!video) {
                m.add("extmap", AUDIO_LEVEL_EXT_ID + " " + HeaderExtension.AUDIO_LEVEL);
            }
            m.add("extmap", TRANSPORT_CC_EXT_ID + " " + HeaderExtension.TRANSPORT_CC);
            m.flag(t.active() ? "sendonly" : "inactive");
            if (t.active()) {
                m.add("msid", t.streamId() + " " + t.trackId());
            }
            m.flag("rtcp-mux");
            m.flag("rtcp-rsize");
            if (video) {
                VP8.writeTo(m);
                VP8_RTX.writeTo(m);
            } else {
                OPUS.writeTo(m);
            }
            if (t.active()) {
                if (video && t.rtxSsrc() != 0) {
                    m.add("ssrc-group", "FID " + t.ssrc() + " " + t.rtxSsrc());
                }
                ssrcLines(m, t.ssrc(), t);
                if (video && t.rtxSsrc() != 0) {
                    ssrcLines(m, t.rtxSsrc(), t);
                }
            }
            sd.media().add(m);
        }
        return sd.toString();
    }

    private static void ssrcLines(MediaDescription m, long ssrc, Track t) {
        m.add("ssrc", ssrc + " cname:" + t.streamId());
        m.add("ssrc", ssrc + " msid:" + t.streamId() + " " + t.trackId());
    }

    /**
     * The transport-wide sequence number id the answer kept ({@link #TRANSPORT_CC_EXT_ID}), or 0 when no accepted
     * m-section kept it: then nothing is stamped and no feedback is expected. An answer may only keep or drop an
     * offered extension (RFC 8285 §6), so any other id is treated as dropped.
     */
    public static int transportCcExtensionId(String answerSdp) throws SdpException {
        for (MediaDescription m : SessionDescription.parse(answerSdp).media()) {
            if (!m.isRejected() && HeaderExtension.idOf(HeaderExtension.of(m), HeaderExtension.TRANSPORT_CC)
                    == TRANSPORT_CC_EXT_ID) {
                return TRANSPORT_CC_EXT_ID;
            }
        }
        return 0;
    }

    /**
     * Reads a browser's answer: its transport parameters (from the first accepted m-section) and a check that
     * it answered every offered mid. The browser must be the DTLS client ({@code a=setup:active}).
     */
    public static RemoteTransportParams readAnswer(String answerSdp, List<Track> offered) throws SdpException {
        SessionDescription answer = SessionDescription.parse(answerSdp);
        if (answer.media().size() != offered.size()) {
            throw new SdpException("answer has " + answer.media().size() + " m-sections, the offer had " + offered.size());
        }
        RemoteTransportParams remote = null;
        for (int i = 0; i < offered.size(); i++) {
            MediaDescription m = answer.media().get(i);
            String mid = m.mid();
            if (mid == null || !mid.equals(offered.get(i).mid())) {
                throw new SdpException("answer m-section " + i + " has mid " + mid + ", expected " + offered.get(i).mid());
            }
            if (remote == null && !m.isRejected()) {
                remote = RemoteTransportParams.of(answer, m);
            }
        }
        if (remote == null) {
            throw new SdpException("answer rejected every m-section");
        }
        if (!"active".equals(remote.setup())) {
            throw new SdpException("answer must have a=setup:active (the SFU is the DTLS server), got " + remote.setup());
        }
        return remote;
    }
}
