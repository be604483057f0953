package org.javameet.sfu.session;

/**
 * How a member's two connections reach the server, as the server sees them: {@code "udp"}, {@code "tcp"} (ICE-TCP)
 * or null before ICE selected a path (or without that connection). A TURN relay is invisible here: its packets come
 * from the TURN server's address over UDP, so only the client can say it is relayed (signaling combines the two).
 *
 * @param publish the publish transport's selected path
 * @param subscribe the subscribe transport's selected path
 */
public record TransportPaths(String publish, String subscribe) {
    public static final TransportPaths NONE = new TransportPaths(null, null);
}
