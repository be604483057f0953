package org.javameet.sfu.webrtc;

import java.util.ArrayList;
import java.util.List;
import org.javameet.sfu.sdp.HeaderExtension;
import org.javameet.sfu.sdp.MediaDescription;
import org.javameet.sfu.sdp.RtpCodec;
import org.javameet.sfu.sdp.SdpException;
import org.javameet.sfu.sdp.SessionDescription;
import org.javameet.sfu.sdp.SsrcInfo;

/**
 * Answers a publisher's offer: every audio/video m-section the SFU can forward is answered {@code recvonly}
 * with one codec (Opus or VP8, plus VP8's RTX), bundle-only sections included (RFC 8843); everything else is
 * rejected with port 0, and each rejection is returned with its reason so the caller can log, count and tell
 * the user. The SFU is always the DTLS server ({@code a=setup:passive}).
 */
public final class PublishNegotiation {

    /** Header extensions the SFU reads from publishers; others are not negotiated so browsers don't send them. */
    private static final List<String> ACCEPTED_EXTENSIONS = List.of(
            HeaderExtension.AUDIO_LEVEL, HeaderExtension.ABS_SEND_TIME, HeaderExtension.MID);

    /** Feedback the SFU gives publishers. transport-cc is left out: REMB drives their estimate. */
    private static final List<String> VIDEO_FEEDBACK = List.of("goog-remb", "ccm fir", "nack", "nack pli");

    /** Why the SFU rejected an m-section the offerer wanted. */
    public enum RejectReason {
        /** Not audio or video (e.g. a data channel): the SFU carries no data channels. */
        UNSUPPORTED_MEDIA("unsupported-media"),
        /** Audio without Opus, or video without VP8: nothing the SFU could forward to every browser. */
        NO_SUPPORTED_CODEC("no-supported-codec");

        private final String code;

        RejectReason(String code) {
            this.code = code;
        }

        /** The name used in metrics, logs and the publishAnswer message. */
        public String code() {
            return code;
        }
    }

    /** An m-section the offer wanted and the answer rejects. */
    public record Rejection(String mid, String media, RejectReason reason, String detail) {
    }

    public record Result(String answerSdp, RemoteTransportParams remote, List<PublishedTrack> tracks,
                         List<Rejection> rejected) {
    }

    private PublishNegotiation() {
    }

    public static Result answer(String offerSdp, LocalTransportParams local, long sessionId, long version)
            throws SdpException {
        SessionDescription offer = SessionDescription.parse(offerSdp);
        if (offer.media().isEmpty()) {
            throw new SdpException("offer has no m-sections");
        }
        RemoteTransportParams remote = null;
        SessionDescription answer = SdpTransportLines.newSession(sessionId, version, local);
        List<PublishedTrack> tracks = new ArrayList<>();
        List<Rejection> rejections = new ArrayList<>();
        List<String> bundle = new ArrayList<>();

        for (MediaDescription m : offer.media()) {
            String mid = m.mid();
            if (mid == null) {
                throw new SdpException("m-section without a=mid (the SFU needs BUNDLE with mids)");
            }
            MediaKind kind = MediaKind.ofSdp(m.media());
            PublishedTrack track = null;
            MediaDescription out;
            if (kind != null && !m.isRejected()) {
                if (remote == null) {
                    remote = RemoteTransportParams.of(offer, m);
                    if ("passive".equals(remote.setup())) {
                        throw new SdpException("a=setup:passive is not supported: the SFU is always the DTLS server");
                    }
                }
                List<RtpCodec> codecs = RtpCodec.of(m);
                RtpCodec primary = pick(kind, codecs);
                if (primary != null) {
                    RtpCodec rtx = kind == MediaKind.VIDEO ? rtxFor(primary, codecs) : null;
                    List<HeaderExtension> exts = acceptedExtensions(m);
                    out = new MediaDescription(m.media(), 9, "UDP/TLS/RTP/SAVPF",
                            rtx == null ? List.of(Integer.toString(primary.payloadType()))
                                    : List.of(Integer.toString(primary.payloadType()), Integer.toString(rtx.payloadType())));
                    SdpTransportLines.write(out, local, "passive");
                    out.add("mid", mid);
                    for (HeaderExtension e : exts) {
                        out.add("extmap", e.id() + " " + e.uri());
                    }
                    String dir = m.direction();
                    out.flag(dir.equals("sendonly") || dir.equals("sendrecv") ? "recvonly" : "inactive");
                    out.flag("rtcp-mux");
                    if (m.has("rtcp-rsize")) {
                        out.flag("rtcp-rsize");
                    }
                    RtpCodec answeredPrimary = new RtpCodec(primary.payloadType(), primary.name(), primary.clockRate(),
                            primary.channels(), primary.fmtp(), kind == MediaKind.VIDEO
                            ? intersect(primary.feedback(), VIDEO_FEEDBACK) : List.of());
                    answeredPrimary.writeTo(out);
                    if (rtx != null) {
                        rtx = new RtpCodec(rtx.payloadType(), rtx.name(), rtx.clockRate(), rtx.channels(), rtx.fmtp(), List.of());
                        rtx.writeTo(out);
                    }
                    bundle.add(mid);
                    if (dir.equals("sendonly") || dir.equals("sendrecv")) {
                        SsrcInfo ssrcs = SsrcInfo.of(m);
                        String[] msid = msid(m);
                        track = new PublishedTrack(mid, kind, answeredPrimary, rtx,
                                ssrcs.mediaSsrcs().isEmpty() ? 0 : ssrcs.mediaSsrcs().get(0),
                                ssrcs.rtxSsrcs().isEmpty() ? 0 : ssrcs.rtxSsrcs().get(0),
                                HeaderExtension.idOf(exts, HeaderExtension.AUDIO_LEVEL),
                                HeaderExtension.idOf(exts, HeaderExtension.ABS_SEND_TIME),
                                HeaderExtension.idOf(exts, HeaderExtension.MID),
                                msid[0], msid[1]);
                    }
                } else {
                    out = SdpTransportLines.rejected(m, local, "passive");
                    rejections.add(new Rejection(mid, m.media(), RejectReason.NO_SUPPORTED_CODEC,
                            "offers " + codecNames(codecs) + "; javameet forwards " + (kind == MediaKind.AUDIO ? "Opus" : "VP8")));
                }
            } else {
                out = SdpTransportLines.rejected(m, local, "passive");
                if (!m.isRejected()) { // the offerer's own port-0 sections are not the SFU's refusal
                    rejections.add(new Rejection(mid, m.media(), RejectReason.UNSUPPORTED_MEDIA,
                            "m=" + m.media() + " is not carried (audio and video only)"));
                }
            }
            answer.media().add(out);
            if (track != null) {
                tracks.add(track);
            }
        }
        if (remote == null) {
            throw new SdpException("offer has no audio or video m-section the SFU can receive");
        }
        if (!bundle.isEmpty()) {
            answer.attributes().add(0, new org.javameet.sfu.sdp.Attribute("group", "BUNDLE " + String.join(" ", bundle)));
        }
        return new Result(answer.toString(), remote, List.copyOf(tracks), List.copyOf(rejections));
    }

    private static String codecNames(List<RtpCodec> codecs) {
        List<String> names = new ArrayList<>();
        for (RtpCodec c : codecs) {
            if (!c.is("rtx") && !c.is("red") && !c.is("ulpfec") && !c.is("flexfec-03") && !names.contains(c.name())) {
                names.add(c.name());
            }
        }
        return names.isEmpty() ? "no codec" : String.join(", ", names);
    }

    static RtpCodec pick(MediaKind kind, List<RtpCodec> codecs) {
        for (RtpCodec c : codecs) {
            if (kind == MediaKind.AUDIO && c.is("opus") && c.clockRate() == 48000) {
                return c;
            }
            if (kind == MediaKind.VIDEO && c.is("VP8") && c.clockRate() == 90000) {
                return c;
            }
        }
        return null;
    }

    private static RtpCodec rtxFor(RtpCodec primary, List<RtpCodec> codecs) {
        for (RtpCodec c : codecs) {
            if (c.is("rtx") && c.associatedPayloadType() == primary.payloadType()) {
                return c;
            }
        }
        return null;
    }

    private static List<HeaderExtension> acceptedExtensions(MediaDescription m) {
        List<HeaderExtension> out = new ArrayList<>();
        for (HeaderExtension e : HeaderExtension.of(m)) {
            if (e.id() <= 14 && ACCEPTED_EXTENSIONS.contains(e.uri())) {
                out.add(e);
            }
        }
        return out;
    }

    private static List<String> intersect(List<String> offered, List<String> supported) {
        List<String> out = new ArrayList<>();
        for (String f : offered) {
            if (supported.contains(f) && !out.contains(f)) {
                out.add(f);
            }
        }
        return out;
    }

    private static String[] msid(MediaDescription m) {
        String v = m.attribute("msid");
        if (v != null) {
            String[] p = v.trim().split("\\s+");
            if (p.length >= 2) {
                return new String[] {p[0], p[1]};
            }
            if (p.length == 1) {
                return new String[] {p[0], ""};
            }
        }
        return new String[] {"-", ""};
    }
}
