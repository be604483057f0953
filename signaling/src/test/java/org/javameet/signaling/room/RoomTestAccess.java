package org.javameet.signaling.room;

import java.net.InetSocketAddress;
import org.javameet.signaling.JavameetServer;

/** Test-only look-ups into rooms, for tests outside this package (the browser tests). */
public final class RoomTestAccess {
    private RoomTestAccess() {
    }

    /** The client-side address of the participant's current signaling WebSocket, or null. */
    public static InetSocketAddress signalingClientAddress(JavameetServer server, String room, String participantId) {
        Room r = server.rooms().room(room);
        if (r == null) {
            return null;
        }
        for (Participant p : r.participants()) {
            if (p.id().equals(participantId)) {
                return p.session().remoteAddress();
            }
        }
        return null;
    }
}
