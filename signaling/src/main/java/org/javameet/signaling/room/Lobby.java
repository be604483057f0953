package org.javameet.signaling.room;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.javameet.signaling.http.WebSocketSession;

/**
 * A room's waiting room. A waiter is not a participant: no id, no media, not in any participant list; it
 * has a random request id that moderators answer with {@code lobbyDecision}. Guarded by the room's monitor.
 */
final class Lobby {
    /** WebSocket close status after {@code error lobby-denied}. */
    static final int CLOSE_DENIED = 4003;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Someone waiting. {@code admittedAs} is set once a moderator admitted them. */
    static final class Waiter {
        final String requestId;
        final Room room;
        final WebSocketSession session;
        final JoinRequest request;
        final String displayName;
        final Consumer<Participant> onAdmitted;
        Participant admittedAs;

        Waiter(String requestId, Room room, WebSocketSession session, JoinRequest request, String displayName,
               Consumer<Participant> onAdmitted) {
            this.requestId = requestId;
            this.room = room;
            this.session = session;
            this.request = request;
            this.displayName = displayName;
            this.onAdmitted = onAdmitted;
        }
    }

    private final Room room;
    private final Map<String, Waiter> waiting = new LinkedHashMap<>();
    private final int maxWaiters;
    /** Lobby places per client address, shared by every room's lobby. */
    private final AddressQuota placesByAddress;
    private boolean enabled;

    Lobby(Room room, boolean enabled, int maxWaiters, AddressQuota placesByAddress) {
        this.room = room;
        this.enabled = enabled;
        this.maxWaiters = maxWaiters;
        this.placesByAddress = placesByAddress;
    }

    boolean enabled() {
        return enabled;
    }

    void enabled(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * Queues a waiter; {@code lobby-full} when {@code limits.maxLobbyWaiters} wait here already, {@code
     * too-many-waiting} when the client's address holds {@code limits.maxLobbyWaitersPerAddress} places (over all
     * rooms): waiting costs the attacker a socket and the moderators a request each, so neither is unbounded.
     */
    Waiter add(WebSocketSession session, JoinRequest request, String displayName, Consumer<Participant> onAdmitted)
            throws SignalingException {
        if (waiting.size() >= maxWaiters) {
            throw new SignalingException("lobby-full", maxWaiters + " people wait in this room's lobby already; "
                    + "try again later");
        }
        if (!placesByAddress.tryTake(addressOf(session))) {
            throw new SignalingException("too-many-waiting", "your address waits in " + placesByAddress.max()
                    + " lobbies already");
        }
        String id;
        do {
            byte[] b = new byte[12];
            RANDOM.nextBytes(b);
            id = "r" + HexFormat.of().formatHex(b);
        } while (waiting.containsKey(id));
        Waiter w = new Waiter(id, room, session, request, displayName, onAdmitted);
        waiting.put(id, w);
        return w;
    }

    /** Removes and returns the request, or null when it is unknown or already decided. */
    Waiter take(String requestId) {
        Waiter w = waiting.remove(requestId);
        if (w != null) {
            placesByAddress.release(addressOf(w.session));
        }
        return w;
    }

    /** Removes the waiter; false if it was no longer waiting. */
    boolean remove(Waiter w) {
        if (!waiting.remove(w.requestId, w)) {
            return false;
        }
        placesByAddress.release(addressOf(w.session));
        return true;
    }

    /** Everyone waiting, oldest first; the lobby is empty afterwards. */
    List<Waiter> takeAll() {
        List<Waiter> all = new ArrayList<>(waiting.values());
        waiting.clear();
        all.forEach(w -> placesByAddress.release(addressOf(w.session)));
        return all;
    }

    static InetAddress addressOf(WebSocketSession session) {
        return session.remoteAddress() == null ? null : session.remoteAddress().getAddress();
    }

    List<Waiter> pending() {
        return List.copyOf(waiting.values());
    }

    static ObjectNode request(Waiter w) {
        ObjectNode n = Messages.message("lobbyRequest");
        n.put("requestId", w.requestId);
        n.put("displayName", w.displayName);
        return n;
    }

    /** {@code by} is null when the waiter left by themselves. */
    static ObjectNode resolved(Waiter w, boolean admitted, Participant by) {
        ObjectNode n = Messages.message("lobbyResolved");
        n.put("requestId", w.requestId);
        n.put("admitted", admitted);
        if (by != null) {
            n.put("by", by.id());
        }
        return n;
    }

    /** Tells the waiter no and closes their socket. */
    static void deny(Waiter w, String why) {
        w.session.send(Messages.error("lobby-denied", why, "join", null).toString());
        w.session.close(CLOSE_DENIED, "lobby-denied");
    }
}
