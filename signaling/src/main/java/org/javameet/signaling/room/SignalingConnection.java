package org.javameet.signaling.room;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.javameet.signaling.auth.TokenVerifier;
import org.javameet.signaling.http.RateLimitedLog;
import org.javameet.signaling.http.WebSocketSession;

/**
 * One WebSocket's conversation (docs/protocol.md): it says welcome, then parses each message, checks it
 * is allowed now, and carries it out. Any failure becomes an {@code error} reply; the connection goes on.
 */
public final class SignalingConnection implements WebSocketSession.Handler {
    private static final Logger LOG = Logger.getLogger(SignalingConnection.class.getName());
    static final int MAX_DISPLAY_NAME = 64;
    static final int MAX_CHAT = 2000;
    static final int MAX_SDP = 128 * 1024;
    static final int MAX_TOKEN = 8192;
    static final int MAX_ID = 64;
    /** WebSocket close status after {@code tokenExpired}. */
    static final int CLOSE_TOKEN_EXPIRED = 4006;
    /** Refusals by a limit (docs/operations.md, "Limits and abuse"): each kind logs at most one line per 10 s. */
    static final Set<String> LIMIT_CODES = Set.of("rate-limited", "too-many-attempts", "too-many-tracks",
            "room-full", "server-full", "too-many-rooms", "lobby-full", "too-many-waiting");
    private static final Map<String, RateLimitedLog> REFUSAL_LOGS = LIMIT_CODES.stream()
            .collect(Collectors.toUnmodifiableMap(Function.identity(), c -> new RateLimitedLog(LOG)));

    private final WebSocketSession session;
    private final RoomRegistry rooms;
    private final SignalingMetrics metrics;
    /** Set on this session's loop by a direct join, or on a moderator's thread by a lobby admission. */
    private volatile Participant participant;
    private volatile Lobby.Waiter waiting;
    // this session's loop only
    private final TokenBucket messages;
    private final TokenBucket chats;
    private long lastRateErrorNanos = System.nanoTime() - 2_000_000_000L;

    /** @param welcome the {@code welcome} message's text, the same for every connection */
    public SignalingConnection(WebSocketSession session, RoomRegistry rooms, String welcome, SignalingMetrics metrics) {
        this.session = session;
        this.rooms = rooms;
        this.metrics = metrics;
        SignalingLimits limits = rooms.limits();
        long now = System.nanoTime();
        this.messages = new TokenBucket(limits.messagesPerSecond(), 3.0 * limits.messagesPerSecond(), now);
        this.chats = new TokenBucket(limits.chatPerSecond(), Math.max(5, 5.0 * limits.chatPerSecond()), now);
        session.send(welcome);
    }

    @Override
    public void onText(String text) {
        String type = null;
        String id = null;
        if (!messages.tryTake(System.nanoTime())) {
            rateLimited("messages are limited to " + rooms.limits().messagesPerSecond() + " a second", null);
            return; // unparsed: a flood costs no JSON parsing
        }
        try {
            JsonNode msg;
            try {
                msg = Messages.JSON.readTree(text);
            } catch (JsonProcessingException e) {
                throw new SignalingException("bad-json", "not valid JSON: " + e.getOriginalMessage());
            }
            if (msg == null || !msg.isObject()) {
                throw new SignalingException("bad-json", "a message must be a JSON object");
            }
            JsonNode idNode = msg.get("id");
            if (idNode != null && idNode.isTextual()) {
                id = idNode.textValue();
            }
            JsonNode typeNode = msg.get("type");
            if (typeNode == null || !typeNode.isTextual()) {
                throw new SignalingException("bad-message", "missing string field \"type\"");
            }
            type = typeNode.textValue();
            handle(type, msg);
        } catch (SignalingException e) {
            metrics.rejected(e.code());
            if (LIMIT_CODES.contains(e.code())) {
                logRefusal(e.code(), e.getMessage());
            } else {
                LOG.fine(() -> "session " + session.id() + ": " + e.code() + ": " + e.getMessage());
            }
            session.send(Messages.error(e.code(), e.getMessage(), type, id).toString());
        } catch (RuntimeException e) {
            metrics.rejected("internal");
            LOG.log(Level.WARNING, "session " + session.id() + ": internal error on " + type, e);
            // the exception's text stays in the log: it can name server internals
            session.send(Messages.error("internal", "internal error (session " + session.id() + ")", type, id)
                    .toString());
        }
    }

    /**
     * Counts a refused message; answers {@code rate-limited} at most once a second, so a flood is not mirrored.
     * The connection is not closed: a client that slows down goes on.
     */
    private void rateLimited(String message, String type) {
        metrics.rejected("rate-limited");
        logRefusal("rate-limited", message);
        long now = System.nanoTime();
        if (now - lastRateErrorNanos >= 1_000_000_000L) {
            lastRateErrorNanos = now;
            session.send(Messages.error("rate-limited", message, type, null).toString());
        }
    }

    private void logRefusal(String code, String message) {
        REFUSAL_LOGS.get(code).info(() -> "session " + session.id() + " from " + session.remoteAddress() + " refused: "
                + code + ": " + message);
    }

    private void handle(String type, JsonNode msg) throws SignalingException {
        switch (type) {
            case "ping" -> session.send(Messages.message("pong").toString());
            case "join" -> join(msg);
            case "resume" -> resume(msg);
            case "restartIce" -> {
                Room r = joinedRoom();
                String connection = Messages.requiredString(msg, "connection", 16);
                if (!connection.equals("subscribe")) {
                    throw new SignalingException("bad-message", "field \"connection\" must be \"subscribe\" (the "
                            + "publish connection restarts ICE with a publishOffer carrying new credentials)");
                }
                r.media().restartSubscribeIce(participant);
            }
            case "mediaPath" -> joinedRoom().media().reportMediaPath(participant, MediaPathReport.parse(msg));
            case "publishOffer" -> joinedRoom().media().publishOffer(participant,
                    Messages.requiredString(msg, "sdp", MAX_SDP), sources(msg)).forEach(metrics::sdpSectionRejected);
            case "subscribeAnswer" -> joinedRoom().media().subscribeAnswer(participant,
                    Messages.requiredString(msg, "sdp", MAX_SDP), Messages.requiredLong(msg, "version"));
            case "tileSizes" -> joinedRoom().media().setTileHeights(participant, TileSizes.parse(msg));
            case "updateMedia" -> joinedRoom().updateMedia(participant,
                    Messages.optionalBoolean(msg, "audioMuted", null), Messages.optionalBoolean(msg, "videoMuted", null));
            case "setDisplayName" -> joinedRoom().setDisplayName(participant,
                    Messages.requiredString(msg, "displayName", MAX_DISPLAY_NAME).strip());
            case "chat" -> {
                Room r = joinedRoom();
                String text = Messages.requiredString(msg, "text", MAX_CHAT);
                if (text.isBlank()) {
                    throw new SignalingException("bad-message", "field \"text\" is empty");
                }
                if (!chats.tryTake(System.nanoTime())) {
                    throw new SignalingException("rate-limited", "chat is limited to "
                            + rooms.limits().chatPerSecond() + " messages a second; this one was not sent");
                }
                r.chat(participant, text);
            }
            case "refreshIceServers" -> {
                // TURN credentials expire; a long meeting's client asks again before an ICE restart needs them
                Participant p = participant;
                if (p == null) {
                    throw new SignalingException("not-joined", "join a room first");
                }
                ObjectNode reply = Messages.message("iceServers");
                Messages.putIceServers(reply, rooms.iceServers(), p.id());
                session.send(reply.toString());
            }
            case "raiseHand" -> joinedRoom().raiseHand(participant, Messages.requiredBoolean(msg, "raised"));
            case "muteParticipant" -> joinedRoom().moderation().mute(participant,
                    Messages.requiredString(msg, "participantId", MAX_ID), kind(msg));
            case "muteAll" -> joinedRoom().moderation().muteAll(participant, kind(msg));
            case "kick" -> joinedRoom().moderation().kick(participant,
                    Messages.requiredString(msg, "participantId", MAX_ID));
            case "setPassword" -> joinedRoom().moderation().setPassword(participant, newPassword(msg));
            case "setLobby" -> joinedRoom().moderation().setLobby(participant, Messages.requiredBoolean(msg, "enabled"));
            case "lobbyDecision" -> joinedRoom().moderation().lobbyDecision(participant,
                    Messages.requiredString(msg, "requestId", MAX_ID), Messages.requiredBoolean(msg, "admit"));
            case "startRecording" -> joinedRoom().recording().start(participant);
            case "stopRecording" -> joinedRoom().recording().stop(participant);
            case "grantModerator" -> joinedRoom().moderation().grantModerator(participant,
                    Messages.requiredString(msg, "participantId", MAX_ID));
            case "leave" -> {
                joinedRoom().leave(participant, "left");
                participant = null;
                session.close(1000, "left");
            }
            default -> throw new SignalingException("bad-message", "unknown message type \"" + abbreviate(type) + "\"");
        }
    }

    private void join(JsonNode msg) throws SignalingException {
        if (participant != null) {
            throw new SignalingException("already-joined", "this connection already joined room " + participant.room().name());
        }
        if (waiting != null) {
            throw new SignalingException("already-joined", "this connection waits in a lobby already");
        }
        String roomName = Messages.requiredString(msg, "room", 256);
        String displayName = Messages.optionalString(msg, "displayName", MAX_DISPLAY_NAME, "").strip();
        boolean audioMuted = Messages.optionalBoolean(msg, "audioMuted", false);
        boolean videoMuted = Messages.optionalBoolean(msg, "videoMuted", false);
        String password = Messages.optionalString(msg, "password", RoomPassword.MAX_LENGTH, null);
        String jwt = Messages.optionalString(msg, "jwt", MAX_TOKEN, null);
        if (jwt == null) {
            jwt = session.queryParameters().get("jwt");
        }
        JoinRequest request = new JoinRequest(roomName, displayName, audioMuted, videoMuted, password, jwt);
        Room.JoinResult result = rooms.join(request, session, p -> participant = p);
        if (result instanceof Room.Waiting w) {
            waiting = w.waiter();
        } else if (result instanceof Room.Joined j) {
            armTokenExpiry(j.participant(), j.tokenExpiresAt());
        }
    }

    /**
     * Ends the session when the participant's token expires. Armed on the socket they joined on and again on each
     * socket they resume on (the old socket's timer dies with it); a token that expired meanwhile ends the resumed
     * session at once.
     */
    private void armTokenExpiry(Participant p, Instant expiresAt) {
        if (expiresAt == null) {
            return;
        }
        Instant end = expiresAt.plusSeconds(TokenVerifier.LEEWAY_SECONDS); // as the join was checked
        session.schedule(() -> tokenExpired(p, expiresAt), Duration.between(Instant.now(), end));
    }

    /** Takes over the participant whose resume token this is (docs/protocol.md, "Resuming"). */
    private void resume(JsonNode msg) throws SignalingException {
        if (participant != null || waiting != null) {
            throw new SignalingException("already-joined", "this connection already joined");
        }
        String token = Messages.requiredString(msg, "token", 64);
        rooms.resume(token, session, p -> participant = p);
        metrics.resumed();
        Participant p = participant;
        if (p != null) {
            armTokenExpiry(p, p.tokenExpiresAt());
        }
    }

    /**
     * The token this participant joined with expired: a leaked or revoked-by-expiry link must not keep a seat.
     * They are told ({@code tokenExpired}), leave the room, and the socket closes with {@link #CLOSE_TOKEN_EXPIRED};
     * the client needs a new link to come back.
     */
    private void tokenExpired(Participant p, Instant expiredAt) {
        if (participant != p || p.session() != session) {
            return; // left already, or resumed on another socket, whose own timer ends it
        }
        metrics.sessionEnded("token-expired");
        LOG.info(() -> "room " + p.room().name() + ": " + p + ": token expired at " + expiredAt + ", session ends");
        ObjectNode notice = Messages.message("tokenExpired");
        notice.put("expiredAt", expiredAt.toString());
        session.send(notice.toString());
        p.room().leave(p, "token-expired");
        participant = null;
        session.close(CLOSE_TOKEN_EXPIRED, "token-expired");
    }

    /** {@code publishOffer.sources}: mid → camera / microphone / screen; empty when absent. */
    private static Map<String, String> sources(JsonNode msg) throws SignalingException {
        JsonNode n = msg.get("sources");
        if (n == null || n.isNull()) {
            return Map.of();
        }
        if (!n.isObject() || n.size() > 64) {
            throw new SignalingException("bad-message", "field \"sources\" must be an object of at most 64 mids");
        }
        Map<String, String> out = new HashMap<>();
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            JsonNode v = e.getValue();
            if (!v.isTextual() || !TrackSources.ALL.contains(v.textValue())) {
                throw new SignalingException("bad-message", "sources." + abbreviate(e.getKey())
                        + " must be \"camera\", \"microphone\" or \"screen\"");
            }
            out.put(e.getKey(), v.textValue());
        }
        return out;
    }

    private static String kind(JsonNode msg) throws SignalingException {
        String kind = Messages.requiredString(msg, "kind", 16);
        if (!kind.equals("audio") && !kind.equals("video")) {
            throw new SignalingException("bad-message", "field \"kind\" must be \"audio\" or \"video\"");
        }
        return kind;
    }

    /** {@code setPassword.password}: 1-64 characters, or null to remove (the field must be there). */
    private static String newPassword(JsonNode msg) throws SignalingException {
        if (!msg.has("password")) {
            throw new SignalingException("bad-message", "missing field \"password\" (null removes the password)");
        }
        String password = Messages.optionalString(msg, "password", RoomPassword.MAX_LENGTH, null);
        if (password != null && password.isEmpty()) {
            throw new SignalingException("bad-message", "field \"password\" is empty (null removes the password)");
        }
        return password;
    }

    private Room joinedRoom() throws SignalingException {
        if (participant == null) {
            throw new SignalingException("not-joined", "join a room first");
        }
        if (participant.session() != session) {
            throw new SignalingException("not-joined", "this participant resumed on another connection");
        }
        return participant.room();
    }

    @Override
    public void onClose(int statusCode, String reason) {
        Participant p = participant;
        Lobby.Waiter w = waiting;
        if (p != null) {
            if (session.closedByClient() && (statusCode == 1000 || statusCode == 1001)) {
                p.room().leave(p, "disconnected"); // the page closed or navigated away: nothing to resume
            } else {
                p.room().reconnects().disconnected(p, session); // a dropped connection: kept for a resume during the grace period
            }
            participant = null;
        } else if (w != null) {
            w.room.lobbyLeft(w);
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
