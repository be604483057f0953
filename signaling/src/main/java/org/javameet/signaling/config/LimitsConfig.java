package org.javameet.signaling.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * The config file's {@code limits} section: what one participant or connection may make the server hold or send
 * (issue 15). Defaults are safe for an open server; docs/configuration.md and docs/operations.md ("Limits and
 * abuse") say what each one refuses.
 */
public record LimitsConfig(int maxTracksPerParticipant, int maxPublishSections, int maxSubscribeSections,
        int maxDtlsHandshakes, int maxDtlsHandshakesPerAddress, int maxMessagesPerSecond,
        int maxChatMessagesPerSecond, int maxPasswordAttempts, int maxConnections, int maxConnectionsPerAddress,
        int requestTimeoutSeconds, int resumeGraceSeconds, int maxTcpMediaConnections,
        int maxTcpMediaConnectionsPerAddress, int maxRooms, int maxRoomsPerAddress, int maxOccupants,
        int maxLobbyWaiters, int maxLobbyWaitersPerAddress) {

    static final List<String> KEYS = List.of("maxTracksPerParticipant", "maxPublishSections", "maxSubscribeSections",
            "maxDtlsHandshakes", "maxDtlsHandshakesPerAddress", "maxMessagesPerSecond", "maxChatMessagesPerSecond",
            "maxPasswordAttempts", "maxConnections", "maxConnectionsPerAddress", "requestTimeoutSeconds",
            "resumeGraceSeconds", "maxTcpMediaConnections", "maxTcpMediaConnectionsPerAddress", "maxRooms",
            "maxRoomsPerAddress", "maxOccupants", "maxLobbyWaiters", "maxLobbyWaitersPerAddress");

    private static final LimitsConfig DEFAULTS = new LimitsConfig(8, 64, 300, 32, 8, 20, 2, 5, 10_000, 100, 10, 30,
            2048, 256, 1000, 10, 100, 50, 5);

    public LimitsConfig {
        if (maxTracksPerParticipant < 1 || maxPublishSections < maxTracksPerParticipant || maxSubscribeSections < 1
                || maxDtlsHandshakes < 1 || maxDtlsHandshakesPerAddress < 1 || maxMessagesPerSecond < 1
                || maxChatMessagesPerSecond < 1 || maxPasswordAttempts < 1 || maxConnections < 1
                || maxConnectionsPerAddress < 1 || requestTimeoutSeconds < 1 || resumeGraceSeconds < 1
                || maxTcpMediaConnections < 1 || maxTcpMediaConnectionsPerAddress < 1 || maxRooms < 1
                || maxRoomsPerAddress < 1 || maxOccupants < 1 || maxLobbyWaiters < 1 || maxLobbyWaitersPerAddress < 1) {
            throw new IllegalArgumentException("need 1 <= maxTracksPerParticipant <= maxPublishSections, "
                    + "the other limits >= 1");
        }
    }

    public static LimitsConfig defaults() {
        return DEFAULTS;
    }

    public LimitsConfig withResumeGraceSeconds(int seconds) {
        return new LimitsConfig(maxTracksPerParticipant, maxPublishSections, maxSubscribeSections, maxDtlsHandshakes,
                maxDtlsHandshakesPerAddress, maxMessagesPerSecond, maxChatMessagesPerSecond, maxPasswordAttempts,
                maxConnections, maxConnectionsPerAddress, requestTimeoutSeconds, seconds, maxTcpMediaConnections,
                maxTcpMediaConnectionsPerAddress, maxRooms, maxRoomsPerAddress, maxOccupants, maxLobbyWaiters,
                maxLobbyWaitersPerAddress);
    }

    public ObjectNode toJson(ObjectMapper mapper) {
        return mapper.createObjectNode()
                .put("maxTracksPerParticipant", maxTracksPerParticipant)
                .put("maxPublishSections", maxPublishSections)
                .put("maxSubscribeSections", maxSubscribeSections)
                .put("maxDtlsHandshakes", maxDtlsHandshakes)
                .put("maxDtlsHandshakesPerAddress", maxDtlsHandshakesPerAddress)
                .put("maxMessagesPerSecond", maxMessagesPerSecond)
                .put("maxChatMessagesPerSecond", maxChatMessagesPerSecond)
                .put("maxPasswordAttempts", maxPasswordAttempts)
                .put("maxConnections", maxConnections)
                .put("maxConnectionsPerAddress", maxConnectionsPerAddress)
                .put("requestTimeoutSeconds", requestTimeoutSeconds)
                .put("resumeGraceSeconds", resumeGraceSeconds)
                .put("maxTcpMediaConnections", maxTcpMediaConnections)
                .put("maxTcpMediaConnectionsPerAddress", maxTcpMediaConnectionsPerAddress)
                .put("maxRooms", maxRooms)
                .put("maxRoomsPerAddress", maxRoomsPerAddress)
                .put("maxOccupants", maxOccupants)
                .put("maxLobbyWaiters", maxLobbyWaiters)
                .put("maxLobbyWaitersPerAddress", maxLobbyWaitersPerAddress);
    }

    static LimitsConfig fromJson(ConfigReader r, JsonNode node, String path) throws ConfigException {
        int tracks = DEFAULTS.maxTracksPerParticipant;
        int publishSections = DEFAULTS.maxPublishSections;
        int subscribeSections = DEFAULTS.maxSubscribeSections;
        int dtls = DEFAULTS.maxDtlsHandshakes;
        int dtlsPerAddress = DEFAULTS.maxDtlsHandshakesPerAddress;
        int messages = DEFAULTS.maxMessagesPerSecond;
        int chat = DEFAULTS.maxChatMessagesPerSecond;
        int passwords = DEFAULTS.maxPasswordAttempts;
        int connections = DEFAULTS.maxConnections;
        int connectionsPerAddress = DEFAULTS.maxConnectionsPerAddress;
        int requestTimeout = DEFAULTS.requestTimeoutSeconds;
        int resumeGrace = DEFAULTS.resumeGraceSeconds;
        int tcpMedia = DEFAULTS.maxTcpMediaConnections;
        int tcpMediaPerAddress = DEFAULTS.maxTcpMediaConnectionsPerAddress;
        int rooms = DEFAULTS.maxRooms;
        int roomsPerAddress = DEFAULTS.maxRoomsPerAddress;
        int occupants = DEFAULTS.maxOccupants;
        int lobbyWaiters = DEFAULTS.maxLobbyWaiters;
        int lobbyWaitersPerAddress = DEFAULTS.maxLobbyWaitersPerAddress;
        for (Map.Entry<String, JsonNode> field : r.fields(node, path)) {
            String key = ConfigReader.join(path, field.getKey());
            JsonNode value = field.getValue();
            switch (field.getKey()) {
                case "maxTracksPerParticipant" -> tracks = r.intIn(value, key, 1, 1000);
                case "maxPublishSections" -> publishSections = r.intIn(value, key, 1, 1000);
                case "maxSubscribeSections" -> subscribeSections = r.intIn(value, key, 1, 100_000);
                case "maxDtlsHandshakes" -> dtls = r.intIn(value, key, 1, 10_000);
                case "maxDtlsHandshakesPerAddress" -> dtlsPerAddress = r.intIn(value, key, 1, 10_000);
                case "maxMessagesPerSecond" -> messages = r.intIn(value, key, 1, 10_000);
                case "maxChatMessagesPerSecond" -> chat = r.intIn(value, key, 1, 1000);
                case "maxPasswordAttempts" -> passwords = r.intIn(value, key, 1, 1000);
                case "maxConnections" -> connections = r.intIn(value, key, 1, 1_000_000);
                case "maxConnectionsPerAddress" -> connectionsPerAddress = r.intIn(value, key, 1, 1_000_000);
                case "requestTimeoutSeconds" -> requestTimeout = r.intIn(value, key, 1, 3600);
                case "resumeGraceSeconds" -> resumeGrace = r.intIn(value, key, 1, 600);
                case "maxTcpMediaConnections" -> tcpMedia = r.intIn(value, key, 1, 1_000_000);
                case "maxTcpMediaConnectionsPerAddress" -> tcpMediaPerAddress = r.intIn(value, key, 1, 1_000_000);
                case "maxRooms" -> rooms = r.intIn(value, key, 1, 1_000_000);
                case "maxRoomsPerAddress" -> roomsPerAddress = r.intIn(value, key, 1, 1_000_000);
                case "maxOccupants" -> occupants = r.intIn(value, key, 1, 10_000);
                case "maxLobbyWaiters" -> lobbyWaiters = r.intIn(value, key, 1, 10_000);
                case "maxLobbyWaitersPerAddress" -> lobbyWaitersPerAddress = r.intIn(value, key, 1, 10_000);
                default -> throw r.unknownKey(path, field.getKey(), KEYS, Map.of());
            }
        }
        if (publishSections < tracks) {
            throw r.error(ConfigReader.join(path, "maxPublishSections"), "\"" + ConfigReader.join(path,
                    "maxPublishSections") + "\" must be at least maxTracksPerParticipant (" + tracks + "), got "
                    + publishSections);
        }
        return new LimitsConfig(tracks, publishSections, subscribeSections, dtls, dtlsPerAddress, messages, chat,
                passwords, connections, connectionsPerAddress, requestTimeout, resumeGrace, tcpMedia,
                tcpMediaPerAddress, rooms, roomsPerAddress, occupants, lobbyWaiters, lobbyWaitersPerAddress);
    }
}
