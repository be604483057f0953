package org.javameet.sfu.webrtc;

import org.javameet.sfu.sdp.MediaDescription;
import org.javameet.sfu.sdp.SdpException;
import org.javameet.sfu.sdp.SessionDescription;

/** The browser's side of a transport as its SDP states it (first bundled m-section, RFC 8843 §7). */
public record RemoteTransportParams(String iceUfrag, String icePwd, String fingerprintAlgorithm, String fingerprintHex,
                                    String setup) {

    static RemoteTransportParams of(SessionDescription sdp, MediaDescription m) throws SdpException {
        String ufrag = sdp.attribute(m, "ice-ufrag");
        String pwd = sdp.attribute(m, "ice-pwd");
        String fp = sdp.attribute(m, "fingerprint");
        String setup = sdp.attribute(m, "setup");
        if (ufrag == null || ufrag.isEmpty()) {
            throw new SdpException("missing a=ice-ufrag");
        }
        if (pwd == null || pwd.isEmpty()) {
            throw new SdpException("missing a=ice-pwd");
        }
        if (fp == null) {
            throw new SdpException("missing a=fingerprint (DTLS-SRTP is required)");
        }
        String[] parts = fp.trim().split("\\s+");
        if (parts.length != 2 || !parts[1].matches("[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2})+")) {
            throw new SdpException("malformed a=fingerprint: " + fp);
        }
        return new RemoteTransportParams(ufrag, pwd, parts[0].toLowerCase(java.util.Locale.ROOT),
                parts[1].toUpperCase(java.util.Locale.ROOT), setup == null ? "actpass" : setup);
    }
}
