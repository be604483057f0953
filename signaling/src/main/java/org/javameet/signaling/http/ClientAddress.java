package org.javameet.signaling.http;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The address of the client behind a request. Proxy headers are believed only from a loopback peer (nginx on the
 * same machine, as the NixOS module deploys it); anyone else could forge them.
 */
final class ClientAddress {

    private ClientAddress() {}

    static InetSocketAddress of(InetSocketAddress peer, HttpHeaders headers) {
        if (peer == null || peer.getAddress() == null || !peer.getAddress().isLoopbackAddress()) {
            return peer;
        }
        InetAddress forwarded = parse(headers.get("X-Real-IP"));
        if (forwarded == null) {
            String xff = headers.get("X-Forwarded-For");
            if (xff != null) {
                // The last entry is the one our proxy appended; earlier ones come from the client and may be forged.
                forwarded = parse(xff.substring(xff.lastIndexOf(',') + 1));
            }
        }
        return forwarded == null ? peer : new InetSocketAddress(forwarded, 0);
    }

    /** An IP literal, never a DNS lookup; null if the text is not one. */
    private static InetAddress parse(String text) {
        if (text == null) {
            return null;
        }
        String t = text.trim();
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
        }
        return t.isEmpty() ? null : NetUtil.createInetAddressFromIpAddressString(t);
    }
}
