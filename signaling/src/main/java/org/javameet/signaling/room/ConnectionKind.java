package org.javameet.signaling.room;

/**
 * How one of a participant's connections reaches the server, for operators (the participants panel and
 * {@code javameet_participants_by_connection}). The server knows whether the path is UDP or ICE-TCP; whether a
 * UDP path is a TURN relay, and how the client reaches that relay, only the client knows ({@link MediaPathReport}).
 * Declared from the most direct to the most indirect.
 */
enum ConnectionKind {
    /** Straight UDP to the media port. */
    UDP("udp"),
    /** ICE-TCP to the media TCP port: UDP is blocked on their network. */
    TCP("tcp"),
    /** Through the TURN server, reached over UDP. */
    RELAY_UDP("relay-udp"),
    /** Through the TURN server, reached over TCP. */
    RELAY_TCP("relay-tcp"),
    /** Through the TURN server, reached over TLS (turns:): the strictest networks. */
    RELAY_TLS("relay-tls");

    private final String label;

    ConnectionKind(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    /**
     * Combines what the server sees with what the client reported. The server's side wins where they disagree: an
     * ICE-TCP path is TCP whatever the client says, and a report of a relay only counts on a UDP path (a TURN
     * server relays to us over UDP).
     *
     * @param serverPath {@code "udp"}, {@code "tcp"} or null before ICE selected a path
     * @param reported the client's last report for this connection, or null
     * @return null while the server has no path
     */
    static ConnectionKind of(String serverPath, MediaPathReport reported) {
        if (serverPath == null) {
            return null;
        }
        if (serverPath.equals("tcp")) {
            return TCP;
        }
        if (reported == null || !reported.relayed()) {
            return UDP;
        }
        return switch (reported.relayProtocol()) {
            case "tcp" -> RELAY_TCP;
            case "tls" -> RELAY_TLS;
            default -> RELAY_UDP;
        };
    }
}
