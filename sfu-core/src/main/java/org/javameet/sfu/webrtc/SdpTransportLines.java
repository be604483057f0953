package org.javameet.sfu.webrtc;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.List;
import org.javameet.sfu.sdp.MediaDescription;
import org.javameet.sfu.sdp.SessionDescription;

/** The lines every SFU m-section carries: ICE-lite credentials, host candidates, DTLS fingerprint and role. */
final class SdpTransportLines {
    private SdpTransportLines() {
    }

    /**
     * The session part. The DTLS fingerprint is also written here (RFC 8122 §5 allows it at session level):
     * a stack that wants one for every m-section, rejected ones included (webrtcbin: "No fingerprint lines in
     * sdp for media 1"), finds it, and m-section fingerprints still take precedence.
     */
    static SessionDescription newSession(long sessionId, long version, LocalTransportParams local) {
        SessionDescription sd = new SessionDescription();
        sd.origin("javameet " + sessionId + " " + version + " IN IP4 0.0.0.0");
        sd.flag("ice-lite");
        sd.add("fingerprint", fingerprint(local));
        sd.add("msid-semantic", " WMS *");
        return sd;
    }

    private static String fingerprint(LocalTransportParams local) {
        return local.fingerprintAlgorithm() + " " + local.fingerprintHex();
    }

    /**
     * A rejected m-section (port 0, inactive, its mid, no candidates), carrying the transport attributes
     * JSEP (RFC 8829 §5.3.1) lets it keep, so strict parsers accept the whole answer and only drop the section.
     */
    static MediaDescription rejected(MediaDescription offered, LocalTransportParams local, String setup) {
        List<String> formats = offered.formats().isEmpty() ? List.of("0") : List.of(offered.formats().get(0));
        MediaDescription out = new MediaDescription(offered.media(), 0, offered.protocol(), formats);
        out.otherLines().add("c=IN IP4 0.0.0.0");
        out.add("ice-ufrag", local.iceUfrag());
        out.add("ice-pwd", local.icePwd());
        out.add("fingerprint", fingerprint(local));
        out.add("setup", setup);
        if (offered.mid() != null) {
            out.add("mid", offered.mid());
        }
        out.flag("inactive");
        return out;
    }

    static void write(MediaDescription m, LocalTransportParams local, String setup) {
        m.otherLines().add("c=IN IP4 0.0.0.0");
        m.add("rtcp", "9 IN IP4 0.0.0.0");
        m.add("ice-ufrag", local.iceUfrag());
        m.add("ice-pwd", local.icePwd());
        m.add("fingerprint", fingerprint(local));
        m.add("setup", setup);
        int foundation = 1;
        for (InetSocketAddress c : local.candidates()) {
            String ip = c.getAddress().getHostAddress();
            int percent = ip.indexOf('%');
            if (percent >= 0) {
                ip = ip.substring(0, percent);
            }
            // RFC 8445 §5.1.2.1 priority for host candidates, component 1; IPv4 first so it wins ties
            long localPref = 65535 - (c.getAddress() instanceof Inet6Address ? 1000 : 0) - foundation;
            long priority = (126L << 24) + (localPref << 8) + 255;
            m.add("candidate", foundation + " 1 udp " + priority + " " + ip + " " + c.getPort() + " typ host");
            foundation++;
        }
        m.flag("end-of-candidates");
    }
}
