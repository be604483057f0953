package org.javameet.signaling.room;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.javameet.sfu.session.SubscribeOffer;
import org.javameet.signaling.turn.IceServers;

/**
 * Reading and writing the JSON messages of docs/protocol.md. Reading goes through small typed getters that
 * throw {@link SignalingException} naming the field, so every malformed message gets a precise error.
 */
public final class Messages {
    public static final ObjectMapper JSON = new ObjectMapper();

    private Messages() {
    }

    public static ObjectNode message(String type) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", type);
        return n;
    }

    public static ObjectNode error(String code, String message, String requestType, String id) {
        ObjectNode n = message("error");
        n.put("code", code);
        n.put("message", message);
        if (requestType != null) {
            n.put("requestType", requestType);
        }
        if (id != null) {
            n.put("id", id);
        }
        return n;
    }

    /**
     * {@code iceServers} (RTCIceServer[], empty without TURN) and, with TURN, {@code iceServersTtl}: seconds the
     * credentials are valid, so the client asks for new ones ({@code refreshIceServers}) in time.
     */
    static void putIceServers(ObjectNode message, IceServers iceServers, String participantId) {
        message.set("iceServers", iceServers.forParticipant(participantId));
        if (!iceServers.isEmpty()) {
            message.put("iceServersTtl", iceServers.ttlSeconds());
        }
    }

    public static ObjectNode participant(Participant p) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", p.id());
        n.put("displayName", p.displayName());
        n.put("audioMuted", p.audioMuted());
        n.put("videoMuted", p.videoMuted());
        n.put("moderator", p.moderator());
        n.put("handRaised", p.handRaised());
        n.put("screenSharing", p.screenSharing());
        n.put("reconnecting", p.reconnecting());
        if (p.connection() != null) {
            n.put("connection", p.connection());
        }
        return n;
    }

    /** A {@code subscribeOffer} with its TrackInfo list (docs/protocol.md), one per m-section. */
    public static ObjectNode subscribeOffer(SubscribeOffer offer) {
        ObjectNode n = message("subscribeOffer");
        n.put("sdp", offer.sdp());
        n.put("version", offer.version());
        ArrayNode tracks = n.putArray("tracks");
        for (SubscribeOffer.OfferedTrack t : offer.tracks()) {
            ObjectNode info = tracks.addObject();
            info.put("mid", t.mid());
            info.put("participantId", t.publisherId());
            info.put("kind", t.kind());
            info.put("active", t.active());
            info.put("source", t.label());
        }
        return n;
    }

    public static ArrayNode array() {
        return JSON.createArrayNode();
    }

    public static String requiredString(JsonNode msg, String field, int maxLength) throws SignalingException {
        JsonNode v = msg.get(field);
        if (v == null || v.isNull()) {
            throw new SignalingException("bad-message", "missing field \"" + field + "\"");
        }
        if (!v.isTextual()) {
            throw new SignalingException("bad-message", "field \"" + field + "\" must be a string");
        }
        String s = v.textValue();
        if (s.length() > maxLength) {
            throw new SignalingException("bad-message", "field \"" + field + "\" is longer than " + maxLength + " characters");
        }
        return s;
    }

    public static String optionalString(JsonNode msg, String field, int maxLength, String fallback)
            throws SignalingException {
        JsonNode v = msg.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        return requiredString(msg, field, maxLength);
    }

    /** A bool field, or {@code fallback} when absent. */
    public static Boolean optionalBoolean(JsonNode msg, String field, Boolean fallback) throws SignalingException {
        JsonNode v = msg.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isBoolean()) {
            throw new SignalingException("bad-message", "field \"" + field + "\" must be true or false");
        }
        return v.booleanValue();
    }

    public static boolean requiredBoolean(JsonNode msg, String field) throws SignalingException {
        Boolean b = optionalBoolean(msg, field, null);
        if (b == null) {
            throw new SignalingException("bad-message", "missing field \"" + field + "\"");
        }
        return b;
    }

    public static long requiredLong(JsonNode msg, String field) throws SignalingException {
        JsonNode v = msg.get(field);
        if (v == null || !v.canConvertToLong() || !v.isIntegralNumber()) {
            throw new SignalingException("bad-message", "field \"" + field + "\" must be an integer");
        }
        return v.longValue();
    }
}
