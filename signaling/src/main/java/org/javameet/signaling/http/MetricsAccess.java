package org.javameet.signaling.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Who may read {@code /metrics} on the app port (issue 15: it was open to anyone who could reach the server). A
 * loopback TCP peer always may: Prometheus on the machine, or the local reverse proxy, which decides for its clients
 * (the NixOS module's nginx allows {@code metricsAllowFrom}). Anyone else needs {@code Authorization: Bearer <token>}
 * with the configured token, and without one configured nobody else gets in. The peer is the TCP peer, not a
 * proxy header: a header cannot be trusted from a remote peer, and from the local proxy the proxy's rule holds.
 * Immutable; the token never appears in {@link #toString()}.
 */
public final class MetricsAccess {
    private static final MetricsAccess LOOPBACK_ONLY = new MetricsAccess(null);

    private final byte[] expectedAuthorization; // "Bearer <token>", or null

    private MetricsAccess(String token) {
        this.expectedAuthorization = token == null ? null : ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    }

    /** Loopback peers only. */
    public static MetricsAccess loopbackOnly() {
        return LOOPBACK_ONLY;
    }

    /** Loopback peers, and anyone presenting {@code token} as a bearer token. */
    public static MetricsAccess loopbackOrBearer(String token) {
        if (token == null || token.isBlank() || token.chars().anyMatch(c -> c <= ' ' || c > '~')) {
            throw new IllegalArgumentException("a metrics bearer token must be non-empty printable ASCII without spaces");
        }
        return new MetricsAccess(token);
    }

    boolean tokenConfigured() {
        return expectedAuthorization != null;
    }

    /** @param peer the TCP peer; a non-IP address (an in-process channel) counts as local */
    boolean allows(SocketAddress peer, HttpHeaders headers) {
        if (!(peer instanceof InetSocketAddress inet) || inet.getAddress() == null
                || inet.getAddress().isLoopbackAddress()) {
            return true;
        }
        if (expectedAuthorization == null) {
            return false;
        }
        String given = headers.get(HttpHeaderNames.AUTHORIZATION);
        return given != null
                && MessageDigest.isEqual(expectedAuthorization, given.getBytes(StandardCharsets.UTF_8)); // constant time
    }

    @Override
    public String toString() {
        return expectedAuthorization == null ? "MetricsAccess[loopback]" : "MetricsAccess[loopback or bearer (hidden)]";
    }
}
