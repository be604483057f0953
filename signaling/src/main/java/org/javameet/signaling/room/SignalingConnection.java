package org.javameet.signaling.room;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.logging.Level;
import java.util.logging.Logger;
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

    private final WebSocketSession session;
    private final RoomRegistry rooms;
    private final SignalingMetrics metrics;
    private Participant participant;

    public SignalingConnection(WebSocketSession session, RoomRegistry rooms, ObjectNode welcome, SignalingMetrics metrics) {
        this.session = session;
        this.rooms = rooms;
        this.metrics = metrics;
        session.send(welcome.toString());
    }

    @Override
    public void onText(String text) {
        String type = null;
        String id = null;
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
            LOG.fine(() -> "session " + session.id() + ": " + e.code() + ": " + e.getMessage());
            session.send(Messages.error(e.code(), e.getMessage(), type, id).toString());
        } catch (RuntimeException e) {
            metrics.rejected("internal");
            LOG.log(Level.WARNING, "session " + session.id() + ": internal error on " + type, e);
            session.send(Messages.error("internal", "internal error: " + e, type, id).toString());
        }
    }

    private void handle(String type, JsonNode msg) throws SignalingException {
        switch (type) {
            case "ping" -> session.send(Messages.message("pong").toString());
            case "join" -> join(msg);
            case "publishOffer" -> joinedRoom().publishOffer(participant,
                    Messages.requiredString(msg, "sdp", MAX_SDP));
            case "subscribeAnswer" -> joinedRoom().subscribeAnswer(participant,
                    Messages.requiredString(msg, "sdp", MAX_SDP), Messages.requiredLong(msg, "version"));
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
                r.chat(participant, text);
            }
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
        String roomName = Messages.requiredString(msg, "room", 256);
        String displayName = Messages.optionalString(msg, "displayName", MAX_DISPLAY_NAME, "").strip();
        boolean audioMuted = Messages.optionalBoolean(msg, "audioMuted", false);
        boolean videoMuted = Messages.optionalBoolean(msg, "videoMuted", false);
        participant = rooms.join(roomName, session, displayName, audioMuted, videoMuted);
    }

    private Room joinedRoom() throws SignalingException {
        if (participant == null) {
            throw new SignalingException("not-joined", "join a room first");
        }
        return participant.room();
    }

    @Override
    public void onClose(int statusCode, String reason) {
        if (participant != null) {
            participant.room().leave(participant, "disconnected");
            participant = null;
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
