package org.javameet.peer;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.javameet.sfu.sdp.HeaderExtension;
import org.javameet.sfu.sdp.MediaDescription;
import org.javameet.sfu.sdp.RtpCodec;
import org.javameet.sfu.sdp.SdpException;
import org.javameet.sfu.sdp.SessionDescription;
import org.javameet.sfu.sdp.SsrcInfo;
import org.javameet.sfu.webrtc.MediaKind;

/**
 * The client's half of both negotiations, in the dialect Chromium speaks: the publish offer (our tracks,
 * {@code sendonly}) and the answer to the server's subscribe offer ({@code recvonly}, {@code setup:active}).
 * Built and read with sfu-core's {@link SessionDescription}.
 */
public final class ClientSdp {
    public static final int OPUS_PT = 111;
    public static final int VP8_PT = 96;
    public static final int RTX_PT = 97;
    /** Our extmap id for ssrc-audio-level in the publish offer. */
    public static final int AUDIO_LEVEL_EXT_ID = 1;
    /** Our extmap ids for the MID, rid and repaired-rid extensions of simulcast video: Chromium's. */
    public static final int MID_EXT_ID = 4;
    public static final int RID_EXT_ID = 10;
    public static final int REPAIRED_RID_EXT_ID = 11;

    public static final RtpCodec OPUS = new RtpCodec(OPUS_PT, "opus", 48000, 2, "minptime=10;useinbandfec=1", List.of());
    public static final RtpCodec VP8 = new RtpCodec(VP8_PT, "VP8", 90000, 1, null,
            List.of("goog-remb", "ccm fir", "nack", "nack pli"));
    public static final RtpCodec VP8_RTX = new RtpCodec(RTX_PT, "rtx", 90000, 1, "apt=" + VP8_PT, List.of());

    private ClientSdp() {
    }

    /** Our side of a transport: ICE credentials and DTLS fingerprint ("sha-256 AB:..."). */
    public record LocalIdentity(String iceUfrag, String icePwd, String fingerprint) {
    }

    /**
     * One track we publish.
     *
     * @param ssrc 0 for a simulcast track (Chromium announces none: the rid extension names each layer's stream)
     * @param rtxSsrc 0 for none (audio, simulcast)
     * @param rids the simulcast encodings, lowest first; empty for one stream
     */
    public record LocalTrack(String mid, MediaKind kind, long ssrc, long rtxSsrc, String streamId, String trackId,
                             List<String> rids) {
        public LocalTrack {
            rids = List.copyOf(rids);
        }

        public LocalTrack(String mid, MediaKind kind, long ssrc, long rtxSsrc, String streamId, String trackId) {
            this(mid, kind, ssrc, rtxSsrc, streamId, trackId, List.of());
        }
    }

    /**
     * The header extension block (RFC 8285 §4.2, one-byte form) a simulcast layer's packets carry, as Chromium's
     * do: the MID and the rid, or on its RTX packets the MID and the repaired-rid (RFC 8852).
     */
    static byte[] simulcastExtensions(String mid, String rid, boolean repaired) {
        byte[] m = mid.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] r = rid.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        if (m.length < 1 || m.length > 16 || r.length < 1 || r.length > 16) {
            throw new IllegalArgumentException("mid and rid must be 1..16 bytes");
        }
        int elements = 1 + m.length + 1 + r.length;
        int words = (elements + 3) / 4;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 + words * 4);
        b.putShort((short) org.javameet.sfu.rtp.HeaderExtensions.ONE_BYTE_PROFILE);
        b.putShort((short) words);
        b.put((byte) (MID_EXT_ID << 4 | (m.length - 1)));
        b.put(m);
        b.put((byte) ((repaired ? REPAIRED_RID_EXT_ID : RID_EXT_ID) << 4 | (r.length - 1)));
        b.put(r);
        return b.array(); // the rest is zero: padding
    }

    /** A publish offer: BUNDLE, rtcp-mux, {@code setup:actpass}, one {@code sendonly} m-line per track. */
    public static String publishOffer(LocalIdentity id, String cname, List<LocalTrack> tracks) {
        SessionDescription sd = session();
        List<String> mids = new ArrayList<>();
        for (LocalTrack t : tracks) {
            mids.add(t.mid());
        }
        sd.add("group", "BUNDLE " + String.join(" ", mids));
        sd.flag("extmap-allow-mixed");
        sd.add("msid-semantic", " WMS " + (tracks.isEmpty() ? "*" : tracks.get(0).streamId()));
        for (LocalTrack t : tracks) {
            boolean video = t.kind() == MediaKind.VIDEO;
            MediaDescription m = new MediaDescription(t.kind().sdpName(), 9, "UDP/TLS/RTP/SAVPF",
                    video ? List.of(Integer.toString(VP8_PT), Integer.toString(RTX_PT)) : List.of(Integer.toString(OPUS_PT)));
            transportLines(m, id, "actpass");
            m.add("mid", t.mid());
            boolean simulcast = !t.rids().isEmpty();
            if (!video) {
                m.add("extmap", AUDIO_LEVEL_EXT_ID + " " + HeaderExtension.AUDIO_LEVEL);
            }
            if (simulcast) {
                m.add("extmap", MID_EXT_ID + " " + HeaderExtension.MID);
                m.add("extmap", RID_EXT_ID + " " + HeaderExtension.RID);
                m.add("extmap", REPAIRED_RID_EXT_ID + " " + HeaderExtension.REPAIRED_RID);
            }
            m.flag("sendonly");
            m.add("msid", t.streamId() + " " + t.trackId());
            m.flag("rtcp-mux");
            if (video) {
                m.flag("rtcp-rsize");
                VP8.writeTo(m);
                VP8_RTX.writeTo(m);
                if (t.rtxSsrc() != 0) {
                    m.add("ssrc-group", "FID " + t.ssrc() + " " + t.rtxSsrc());
                }
            } else {
                OPUS.writeTo(m);
            }
            if (simulcast) { // RFC 8853 §5.1, as Chromium writes it: one a=rid per layer, no SSRCs
                for (String rid : t.rids()) {
                    m.add("rid", rid + " send");
                }
                m.add("simulcast", "send " + String.join(";", t.rids()));
            } else {
                ssrcLines(m, t.ssrc(), cname, t);
            }
            if (video && t.rtxSsrc() != 0) {
                ssrcLines(m, t.rtxSsrc(), cname, t);
            }
            sd.media().add(m);
        }
        return sd.toString();
    }

    private static void ssrcLines(MediaDescription m, long ssrc, String cname, LocalTrack t) {
        m.add("ssrc", ssrc + " cname:" + cname);
        m.add("ssrc", ssrc + " msid:" + t.streamId() + " " + t.trackId());
    }

    private static SessionDescription session() {
        SessionDescription sd = new SessionDescription();
        sd.origin("- " + Long.toUnsignedString(java.util.concurrent.ThreadLocalRandom.current().nextLong() >>> 1)
                + " 2 IN IP4 127.0.0.1");
        return sd;
    }

    private static void transportLines(MediaDescription m, LocalIdentity id, String setup) {
        m.otherLines().add("c=IN IP4 0.0.0.0");
        m.add("rtcp", "9 IN IP4 0.0.0.0");
        m.add("ice-ufrag", id.iceUfrag());
        m.add("ice-pwd", id.icePwd());
        m.add("ice-options", "trickle");
        m.add("fingerprint", id.fingerprint());
        m.add("setup", setup);
    }

    /**
     * The server's side of a transport as its SDP states it.
     *
     * @param candidate the UDP host candidate
     * @param tcpCandidate the passive ICE-TCP host candidate, or null when the server offers none
     */
    public record RemoteTransport(String iceUfrag, String icePwd, String fingerprint, InetSocketAddress candidate,
                                  InetSocketAddress tcpCandidate) {
        public RemoteTransport(String iceUfrag, String icePwd, String fingerprint, InetSocketAddress candidate) {
            this(iceUfrag, icePwd, fingerprint, candidate, null);
        }
    }

    /**
     * One m-line of a server's subscribe offer.
     *
     * @param streamId the publisher's participant id (from a=msid), null when inactive
     * @param rtxSsrc 0 without an FID group
     */
    public record OfferedTrack(String mid, MediaKind kind, boolean active, long ssrc, long rtxSsrc, String streamId,
                               String trackId, List<RtpCodec> codecs) {
        public int payloadType(String codec) {
            for (RtpCodec c : codecs) {
                if (c.is(codec)) {
                    return c.payloadType();
                }
            }
            return -1;
        }
    }

    /** Reads the ICE, DTLS and candidate lines of the first usable m-section of a server SDP. */
    public static RemoteTransport remoteTransport(SessionDescription sd) throws SdpException {
        for (MediaDescription m : sd.media()) {
            if (m.isRejected()) {
                continue;
            }
            String ufrag = sd.attribute(m, "ice-ufrag");
            String pwd = sd.attribute(m, "ice-pwd");
            String fp = sd.attribute(m, "fingerprint");
            if (ufrag == null || pwd == null || fp == null) {
                throw new SdpException("server SDP lacks ice-ufrag, ice-pwd or fingerprint");
            }
            List<String> candidates = m.attributes("candidate");
            return new RemoteTransport(ufrag, pwd, fp, pickCandidate(candidates), pickTcpCandidate(candidates));
        }
        throw new SdpException("server SDP has no usable m-section");
    }

    /** The first UDP host candidate, IPv4 loopback preferred (tests and the load harness run on one machine). */
    static InetSocketAddress pickCandidate(List<String> candidates) throws SdpException {
        InetSocketAddress best = pick(candidates, false);
        if (best == null) {
            throw new SdpException("server SDP has no UDP host candidate");
        }
        return best;
    }

    /** The first passive TCP host candidate (RFC 6544), IPv4 loopback preferred; null when there is none. */
    static InetSocketAddress pickTcpCandidate(List<String> candidates) {
        return pick(candidates, true);
    }

    private static InetSocketAddress pick(List<String> candidates, boolean tcp) {
        InetSocketAddress best = null;
        for (String c : candidates) {
            // foundation component transport priority address port "typ" type ["tcptype" passive]
            String[] p = c.trim().split("\\s+");
            if (p.length < 8 || !p[2].equalsIgnoreCase(tcp ? "tcp" : "udp") || !p[6].equals("typ")) {
                continue;
            }
            if (tcp && !(p.length >= 10 && p[8].equals("tcptype") && p[9].equals("passive"))) {
                continue;
            }
            InetSocketAddress a;
            try {
                a = new InetSocketAddress(InetAddress.getByName(p[4]), Integer.parseInt(p[5]));
            } catch (UnknownHostException | NumberFormatException e) {
                continue;
            }
            if (best == null || a.getAddress().isLoopbackAddress() && !best.getAddress().isLoopbackAddress()) {
                best = a;
            }
        }
        return best;
    }

    /** The m-lines of a subscribe offer, in order. */
    public static List<OfferedTrack> offeredTracks(SessionDescription offer) {
        List<OfferedTrack> out = new ArrayList<>();
        for (MediaDescription m : offer.media()) {
            MediaKind kind = MediaKind.ofSdp(m.media());
            boolean active = !m.isRejected() && ("sendonly".equals(m.direction()) || "sendrecv".equals(m.direction()));
            SsrcInfo ssrcs = SsrcInfo.of(m);
            String streamId = null;
            String trackId = null;
            String msid = m.attribute("msid");
            if (msid != null) {
                String[] p = msid.trim().split("\\s+");
                streamId = p[0];
                trackId = p.length > 1 ? p[1] : null;
            }
            out.add(new OfferedTrack(m.mid(), kind, active && kind != null,
                    ssrcs.mediaSsrcs().isEmpty() ? 0 : ssrcs.mediaSsrcs().get(0),
                    ssrcs.rtxSsrcs().isEmpty() ? 0 : ssrcs.rtxSsrcs().get(0), streamId, trackId, RtpCodec.of(m)));
        }
        return out;
    }

    /**
     * Answers a subscribe offer: every m-line accepted {@code recvonly} with the offered codecs and extensions
     * (an {@code inactive} one stays {@code inactive}, a rejected one stays rejected), {@code setup:active}
     * because the server is always the DTLS server.
     */
    public static String subscribeAnswer(SessionDescription offer, LocalIdentity id) {
        return subscribeAnswer(offer, id, true);
    }

    /**
     * The transport-wide sequence number's extension id in the first accepted m-section of a subscribe offer that
     * offers {@code rtcp-fb transport-cc} too, or 0.
     */
    public static int transportCcExtensionId(SessionDescription offer) {
        for (MediaDescription m : offer.media()) {
            if (m.isRejected() || MediaKind.ofSdp(m.media()) == null) {
                continue;
            }
            int id = HeaderExtension.idOf(HeaderExtension.of(m), HeaderExtension.TRANSPORT_CC);
            boolean feedback = false;
            for (RtpCodec c : RtpCodec.of(m)) {
                feedback |= c.feedback().contains(TRANSPORT_CC_FEEDBACK);
            }
            return feedback ? id : 0;
        }
        return 0;
    }

    static final String TRANSPORT_CC_FEEDBACK = "transport-cc";

    /**
     * As {@link #subscribeAnswer(SessionDescription, LocalIdentity)}; {@code transportCc} false drops the
     * transport-wide sequence number extension and {@code rtcp-fb transport-cc} (RFC 8285 §6 lets an answer drop
     * an offered extension), so the server neither stamps nor expects feedback.
     */
    public static String subscribeAnswer(SessionDescription offer, LocalIdentity id, boolean transportCc) {
        SessionDescription sd = session();
        List<String> mids = new ArrayList<>();
        for (MediaDescription m : offer.media()) {
            MediaDescription a;
            if (m.isRejected() || MediaKind.ofSdp(m.media()) == null) {
                a = new MediaDescription(m.media(), 0, m.protocol(),
                        m.formats().isEmpty() ? List.of("0") : List.of(m.formats().get(0)));
                a.otherLines().add("c=IN IP4 0.0.0.0");
                if (m.mid() != null) {
                    a.add("mid", m.mid());
                }
                a.flag("inactive");
                sd.media().add(a);
                continue;
            }
            a = new MediaDescription(m.media(), 9, m.protocol(), m.formats());
            transportLines(a, id, "active");
            a.add("mid", m.mid());
            mids.add(m.mid());
            for (String ext : m.attributes("extmap")) {
                if (transportCc || !ext.contains(HeaderExtension.TRANSPORT_CC)) {
                    a.add("extmap", ext);
                }
            }
            String dir = m.direction();
            a.flag(dir.equals("sendonly") || dir.equals("sendrecv") ? "recvonly" : "inactive");
            a.flag("rtcp-mux");
            if (m.has("rtcp-rsize")) {
                a.flag("rtcp-rsize");
            }
            for (RtpCodec c : RtpCodec.of(m)) {
                if (!transportCc && c.feedback().contains(TRANSPORT_CC_FEEDBACK)) {
                    List<String> fb = new ArrayList<>(c.feedback());
                    fb.remove(TRANSPORT_CC_FEEDBACK);
                    c = new RtpCodec(c.payloadType(), c.name(), c.clockRate(), c.channels(), c.fmtp(), fb);
                }
                c.writeTo(a);
            }
            sd.media().add(a);
        }
        sd.attributes().add(0, new org.javameet.sfu.sdp.Attribute("group", "BUNDLE " + String.join(" ", mids)));
        sd.add("msid-semantic", " WMS");
        return sd.toString();
    }
}
