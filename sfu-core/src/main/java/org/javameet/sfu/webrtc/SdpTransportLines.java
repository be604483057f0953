package org.javameet.sfu.webrtc;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import org.javameet.sfu.sdp.MediaDescription;
import org.javameet.sfu.sdp.SessionDescription;

/** The lines every SFU m-section carries: ICE-lite credentials, host candidates, DTLS fingerprint and role. */
final class SdpTransportLines {
    private SdpTransportLines() {
    }

    static SessionDescription newSession(long sessionId, long version) {
        SessionDescription sd = new SessionDescription();
        sd.origin("javameet " + sessionId + " " + version + " IN IP4 0.0.0.0");
        sd.flag("ice-lite");
        sd.add("msid-semantic", " WMS *");
        return sd;
    }

    static void write(MediaDescription m, LocalTransportParams local, String setup) {
        m.otherLines().add("c=IN IP4 0.0.0.0");
        m.add("rtcp", "9 IN IP4 0.0.0.0");
        m.add("ice-ufrag", local.iceUfrag());
        m.add("ice-pwd", local.icePwd());
        m.add("fingerprint", local.fingerprintAlgorithm() + " " + local.fingerprintHex());
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
