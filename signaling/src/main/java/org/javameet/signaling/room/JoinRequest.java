package org.javameet.signaling.room;

/**
 * A {@code join} message, read and checked for types by {@link SignalingConnection}.
 *
 * @param password null when not given
 * @param jwt      from the message, else from the WebSocket URL's {@code ?jwt=}; null when neither
 */
record JoinRequest(String room, String displayName, boolean audioMuted, boolean videoMuted, String password,
                   String jwt) {

    @Override
    public String toString() { // never the password or the token
        return "join " + room + " as \"" + displayName + "\"";
    }
}
