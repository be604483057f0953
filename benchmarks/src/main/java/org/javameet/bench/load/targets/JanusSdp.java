package org.javameet.bench.load.targets;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.javameet.peer.ClientSdp;
import org.javameet.sfu.sdp.HeaderExtension;
import org.javameet.sfu.sdp.MediaDescription;
import org.javameet.sfu.sdp.RtpCodec;
import org.javameet.sfu.sdp.SessionDescription;
import org.javameet.sfu.webrtc.MediaKind;

/**
 * The emulated participant's SDP towards Janus, built with sfu-core's {@link SessionDescription}: a publish
 * offer (Opus + VP8 sendonly, {@code setup:actpass}, our host candidate inline) and the answer to a subscriber
 * offer (every m-line recvonly, {@code setup:active}). No RTX either way: retransmissions come on the media
 * SSRC, and the receiver counts them by the same rule as javameet's RTX (peer-client InboundTrack).
 */
final class JanusSdp {
    /** What we publish: peer-client's codecs (as towards javameet), without RTX. */
    static final RtpCodec OPUS = ClientSdp.OPUS;
    static final RtpCodec VP8 = ClientSdp.VP8;

    private JanusSdp() {
    }

    /** ICE credentials, fingerprint ("sha-256 AB:...") and host candidate of one of our transports. */
    record Local(String ufrag, String pwd, String fingerprint, InetSocketAddress candidate) {
    }

    static String publishOffer(Local local, String cname, long audioSsrc, long videoSsrc) {
        SessionDescription sd = session();
        sd.add("group", "BUNDLE 0 1");
        sd.add("msid-semantic", " WMS " + cname);
        for (int i = 0; i < 2; i++) {
            boolean video = i == 1;
            RtpCodec c = video ? VP8 : OPUS;
            MediaDescription m = new MediaDescription(video ? "video" : "audio", 9, "UDP/TLS/RTP/SAVPF",
                    List.of(Integer.toString(c.payloadType())));
            transport(m, local, "actpass");
            m.add("mid", Integer.toString(i));
            if (!video) {
                m.add("extmap", ClientSdp.AUDIO_LEVEL_EXT_ID + " " + HeaderExtension.AUDIO_LEVEL);
            }
            m.flag("sendonly");
            m.add("msid", cname + " " + cname + (video ? "-video" : "-audio"));
            m.flag("rtcp-mux");
            c.writeTo(m);
            long ssrc = video ? videoSsrc : audioSsrc;
            m.add("ssrc", ssrc + " cname:" + cname);
            sd.media().add(m);
        }
        return sd.toString();
    }

    /** Answers Janus's subscriber offer: each live m-line recvonly with its non-RTX codecs and extensions. */
    static String subscribeAnswer(SessionDescription offer, Local local) {
        SessionDescription sd = session();
        List<String> mids = new ArrayList<>();
        List<MediaDescription> out = new ArrayList<>();
        for (MediaDescription m : offer.media()) {
            if (m.isRejected() || MediaKind.ofSdp(m.media()) == null) {
                MediaDescription a = new MediaDescription(m.media(), 0, m.protocol(),
                        m.formats().isEmpty() ? List.of("0") : List.of(m.formats().get(0)));
                a.otherLines().add("c=IN IP4 0.0.0.0");
                if (m.mid() != null) {
                    a.add("mid", m.mid());
                }
                a.flag("inactive");
                out.add(a);
                continue;
            }
            List<RtpCodec> codecs = new ArrayList<>();
            for (RtpCodec c : RtpCodec.of(m)) {
                if (!c.is("rtx")) {
                    codecs.add(c);
                }
            }
            List<String> formats = new ArrayList<>();
            for (RtpCodec c : codecs) {
                formats.add(Integer.toString(c.payloadType()));
            }
            MediaDescription a = new MediaDescription(m.media(), 9, m.protocol(), formats);
            transport(a, local, "active");
            a.add("mid", m.mid());
            mids.add(m.mid());
            for (String ext : m.attributes("extmap")) {
                a.add("extmap", ext);
            }
            String dir = m.direction();
            a.flag("sendonly".equals(dir) || "sendrecv".equals(dir) ? "recvonly" : "inactive");
            a.flag("rtcp-mux");
            for (RtpCodec c : codecs) {
                c.writeTo(a);
            }
            out.add(a);
        }
        sd.add("group", "BUNDLE " + String.join(" ", mids));
        sd.add("msid-semantic", " WMS");
        sd.media().addAll(out);
        return sd.toString();
    }

    /**
     * The offer's VP8 and Opus payload types and their kinds: what the receiver learns SSRCs by (Janus's
     * subscriber offers name the SSRCs it will send, but the receiver need not trust them).
     */
    static Map<Integer, MediaKind> payloadKinds(SessionDescription sd) {
        Map<Integer, MediaKind> pts = new HashMap<>();
        for (MediaDescription m : sd.media()) {
            for (RtpCodec c : RtpCodec.of(m)) {
                if (c.is("VP8")) {
                    pts.put(c.payloadType(), MediaKind.VIDEO);
                } else if (c.is("opus")) {
                    pts.put(c.payloadType(), MediaKind.AUDIO);
                }
            }
        }
        return pts;
    }

    private static SessionDescription session() {
        SessionDescription sd = new SessionDescription();
        sd.origin("- " + (ThreadLocalRandom.current().nextLong() >>> 1) + " 2 IN IP4 127.0.0.1");
        return sd;
    }

    private static void transport(MediaDescription m, Local local, String setup) {
        m.otherLines().add("c=IN IP4 127.0.0.1");
        m.add("rtcp", "9 IN IP4 0.0.0.0");
        m.add("ice-ufrag", local.ufrag());
        m.add("ice-pwd", local.pwd());
        m.add("fingerprint", local.fingerprint());
        m.add("setup", setup);
        m.add("candidate", "1 1 udp 2130706431 " + local.candidate().getAddress().getHostAddress() + " "
                + local.candidate().getPort() + " typ host");
        m.flag("end-of-candidates");
    }
}
