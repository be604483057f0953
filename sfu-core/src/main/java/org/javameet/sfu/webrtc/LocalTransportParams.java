package org.javameet.sfu.webrtc;

import java.net.InetSocketAddress;
import java.util.List;

/** What the SFU announces about one of its transports: ICE credentials, DTLS fingerprint, host candidates. */
public record LocalTransportParams(String iceUfrag, String icePwd, String fingerprintAlgorithm, String fingerprintHex,
                                   List<InetSocketAddress> candidates) {
}
