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

    private static final long HOST_UDP_TYPE_PREFERENCE = 126;
    private static final long HOST_TCP_TYPE_PREFERENCE = 90;

    private static long priority(long typePreference, long localPreference) {
        return (typePreference << 24) + (localPreference << 8) + 255; // component 1: 256 - 1
    }

    private static String ip(InetSocketAddress c) {
        String ip = c.getAddress().getHostAddress();
        int percent = ip.indexOf('%');
        return percent >= 0 ? ip.substring(0, percent) : ip;
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
            // RFC 8445 §5.1.2.1 priority for host candidates, component 1; IPv4 first so it wins ties
            long localPref = 65535 - (c.getAddress() instanceof Inet6Address ? 1000 : 0) - foundation;
            m.add("candidate", foundation + " 1 udp " + priority(HOST_UDP_TYPE_PREFERENCE, localPref) + " "
                    + ip(c) + " " + c.getPort() + " typ host");
            foundation++;
        }
        for (InetSocketAddress c : local.tcpCandidates()) {
            // RFC 6544 §4.2: local preference = 2^13 * direction-pref (passive: 4) + other-pref; and a lower type
            // preference than UDP host candidates (Chromium's for TCP host: 90), so every UDP pair outranks TCP
            long otherPref = 8191 - (c.getAddress() instanceof Inet6Address ? 1000 : 0) - foundation;
            long localPref = (4L << 13) + otherPref;
            m.add("candidate", foundation + " 1 tcp " + priority(HOST_TCP_TYPE_PREFERENCE, localPref) + " "
                    + ip(c) + " " + c.getPort() + " typ host tcptype passive");
            foundation++;
        }
        m.flag("end-of-candidates");
    }
}
