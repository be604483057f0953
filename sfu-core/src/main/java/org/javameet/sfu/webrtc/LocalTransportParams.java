package org.javameet.sfu.webrtc;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * What the SFU announces about one of its transports: ICE credentials, DTLS fingerprint, host candidates.
 *
 * @param candidates UDP host candidates
 * @param tcpCandidates passive ICE-TCP host candidates (RFC 6544); empty when ICE-TCP is off
 */
public record LocalTransportParams(String iceUfrag, String icePwd, String fingerprintAlgorithm, String fingerprintHex,
                                   List<InetSocketAddress> candidates, List<InetSocketAddress> tcpCandidates) {
    /** UDP candidates only. */
    public LocalTransportParams(String iceUfrag, String icePwd, String fingerprintAlgorithm, String fingerprintHex,
                                List<InetSocketAddress> candidates) {
        this(iceUfrag, icePwd, fingerprintAlgorithm, fingerprintHex, candidates, List.of());
    }
}
