package org.javameet.sfu.webrtc;

import java.util.ArrayList;
import java.util.List;
import org.javameet.sfu.sdp.HeaderExtension;
import org.javameet.sfu.sdp.MediaDescription;
import org.javameet.sfu.sdp.RtpCodec;
import org.javameet.sfu.sdp.SdpException;
import org.javameet.sfu.sdp.SessionDescription;
import org.javameet.sfu.sdp.Simulcast;
import org.javameet.sfu.sdp.SimulcastException;
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
            HeaderExtension.AUDIO_LEVEL, HeaderExtension.ABS_SEND_TIME, HeaderExtension.MID,
            HeaderExtension.TRANSPORT_CC);

    /** What simulcast needs on top: each layer's SSRC is named by its rid, each RTX SSRC by its repaired rid. */
    private static final List<String> SIMULCAST_EXTENSIONS = List.of(
            HeaderExtension.RID, HeaderExtension.REPAIRED_RID);

    /**
     * The most simulcast layers a track may have. Browsers send three (Chromium's limit for VP8 is three, as is
     * what javameet's client asks for); a layer the SFU never chooses would only cost the publisher's uplink.
     */
    public static final int MAX_SIMULCAST_LAYERS = 3;

    /**
     * Feedback the SFU gives publishers: transport-cc for their own congestion control to measure their uplink
     * (as Jitsi does), and REMB as the ceiling of what their receivers need (Chromium honours the least of both).
     */
    private static final List<String> VIDEO_FEEDBACK = List.of("goog-remb", "transport-cc", "ccm fir", "nack", "nack pli");
    /** Audio packets carry transport-wide numbers too, and are reported with the rest. */
    private static final List<String> AUDIO_FEEDBACK = List.of("transport-cc");

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

    /**
     * @param transportCcExtId the transport-wide sequence number's extension id the answer kept (one for the whole
     *                         BUNDLE transport), 0 when the offer had none
     */
    public record Result(String answerSdp, RemoteTransportParams remote, List<PublishedTrack> tracks,
                         List<Rejection> rejected, int transportCcExtId) {
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
        int transportCcExtId = 0;

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
                    Simulcast simulcast = kind == MediaKind.VIDEO ? simulcast(m) : null;
                    List<HeaderExtension> exts = acceptedExtensions(m, simulcast != null);
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
                            primary.channels(), primary.fmtp(),
                            intersect(primary.feedback(), kind == MediaKind.VIDEO ? VIDEO_FEEDBACK : AUDIO_FEEDBACK));
                    answeredPrimary.writeTo(out);
                    if (rtx != null) {
                        rtx = new RtpCodec(rtx.payloadType(), rtx.name(), rtx.clockRate(), rtx.channels(), rtx.fmtp(), List.of());
                        rtx.writeTo(out);
                    }
                    if (simulcast != null && (dir.equals("sendonly") || dir.equals("sendrecv"))) {
                        simulcast.writeAnswerTo(out);
                    }
                    bundle.add(mid);
                    if (transportCcExtId == 0) {
                        transportCcExtId = HeaderExtension.idOf(exts, HeaderExtension.TRANSPORT_CC);
                    }
                    if (dir.equals("sendonly") || dir.equals("sendrecv")) {
                        SsrcInfo ssrcs = SsrcInfo.of(m);
                        String[] msid = msid(m);
                        // a simulcast track's a=ssrc lines (Firefox) do not say which layer is which: learn them by rid
                        boolean announced = simulcast == null && !ssrcs.mediaSsrcs().isEmpty();
                        track = new PublishedTrack(mid, kind, answeredPrimary, rtx,
                                announced ? ssrcs.mediaSsrcs().get(0) : 0,
                                announced ? ssrcs.rtxSsrcs().get(0) : 0,
                                HeaderExtension.idOf(exts, HeaderExtension.AUDIO_LEVEL),
                                HeaderExtension.idOf(exts, HeaderExtension.ABS_SEND_TIME),
                                HeaderExtension.idOf(exts, HeaderExtension.MID),
                                msid[0], msid[1], simulcast,
                                HeaderExtension.idOf(exts, HeaderExtension.RID),
                                HeaderExtension.idOf(exts, HeaderExtension.REPAIRED_RID));
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
        return new Result(answer.toString(), remote, List.copyOf(tracks), List.copyOf(rejections), transportCcExtId);
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

    private static List<HeaderExtension> acceptedExtensions(MediaDescription m, boolean simulcast) {
        List<HeaderExtension> out = new ArrayList<>();
        for (HeaderExtension e : HeaderExtension.of(m)) {
            if (e.id() <= 14 && (ACCEPTED_EXTENSIONS.contains(e.uri())
                    || simulcast && SIMULCAST_EXTENSIONS.contains(e.uri()))) {
                out.add(e);
            }
        }
        return out;
    }

    /**
     * The section's send simulcast within the SFU's limits, or null without one.
     *
     * @throws SimulcastException too many layers, no rtp-stream-id extension to tell them apart, a bad rid list
     */
    private static Simulcast simulcast(MediaDescription m) throws SimulcastException {
        Simulcast s;
        try {
            s = Simulcast.of(m);
        } catch (SimulcastException e) {
            throw e;
        } catch (SdpException e) {
            throw new SimulcastException("m-section " + m.mid() + ": " + e.getMessage());
        }
        if (s == null) {
            return null;
        }
        if (s.rids().size() > MAX_SIMULCAST_LAYERS) {
            throw new SimulcastException("m-section " + m.mid() + " offers " + s.rids().size()
                    + " simulcast layers; at most " + MAX_SIMULCAST_LAYERS + " are received");
        }
        int ridId = HeaderExtension.idOf(HeaderExtension.of(m), HeaderExtension.RID);
        if (ridId == 0 || ridId > 14) {
            throw new SimulcastException("m-section " + m.mid() + " offers simulcast without the "
                    + HeaderExtension.RID + " header extension (ids 1-14), so its layers cannot be told apart");
        }
        return s;
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
