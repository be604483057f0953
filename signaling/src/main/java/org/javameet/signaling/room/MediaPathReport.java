package org.javameet.signaling.room;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * A client's {@code mediaPath} message (docs/protocol.md): our end of one of its connections' selected ICE
 * candidate pair, from getStats. The server cannot tell a TURN-relayed peer from a direct one by address, so this
 * says which it is — for display and metrics only: nothing else ever depends on it.
 *
 * @param connection {@code publish} or {@code subscribe}
 * @param candidateType the local candidate's type: host, srflx, prflx or relay
 * @param protocol the local candidate's protocol: udp or tcp
 * @param relayProtocol with a relay candidate, how the client reaches the TURN server: udp, tcp or tls; else null
 */
record MediaPathReport(String connection, String candidateType, String protocol, String relayProtocol) {
    /** The error code of a report whose values are not among the known ones. */
    static final String BAD_REPORT = "bad-media-path";
    static final Set<String> CONNECTIONS = Set.of("publish", "subscribe");
    static final Set<String> CANDIDATE_TYPES = Set.of("host", "srflx", "prflx", "relay");
    static final Set<String> PROTOCOLS = Set.of("udp", "tcp");
    static final Set<String> RELAY_PROTOCOLS = Set.of("udp", "tcp", "tls");

    boolean relayed() {
        return candidateType.equals("relay");
    }

    /**
     * Reads and checks one report: a field of the wrong type is {@code bad-message}, as everywhere; a value outside
     * the sets above, or a relay protocol without a relay candidate (or the reverse), is {@value #BAD_REPORT}.
     */
    static MediaPathReport parse(JsonNode msg) throws SignalingException {
        String connection = known(msg, "connection", CONNECTIONS);
        String candidateType = known(msg, "candidateType", CANDIDATE_TYPES);
        String protocol = known(msg, "protocol", PROTOCOLS);
        String relayProtocol = Messages.optionalString(msg, "relayProtocol", 8, null);
        if (candidateType.equals("relay")) {
            if (relayProtocol == null || !RELAY_PROTOCOLS.contains(relayProtocol)) {
                throw new SignalingException(BAD_REPORT, "a relay candidate needs \"relayProtocol\": udp, tcp or tls");
            }
        } else if (relayProtocol != null) {
            throw new SignalingException(BAD_REPORT, "\"relayProtocol\" is only for a relay candidate");
        }
        return new MediaPathReport(connection, candidateType, protocol, relayProtocol);
    }

    private static String known(JsonNode msg, String field, Set<String> values) throws SignalingException {
        String v = Messages.requiredString(msg, field, 16);
        if (!values.contains(v)) {
            throw new SignalingException(BAD_REPORT, "field \"" + field + "\" must be one of " + values.stream()
                    .sorted().toList() + ", not \"" + (v.length() > 16 ? v.substring(0, 16) : v) + "\"");
        }
        return v;
    }
}
