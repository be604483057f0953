package org.javameet.signaling.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * The config file's {@code client} section, sent to browsers as {@code config} in the {@code welcome} message
 * (Jitsi Meet's {@code config.js}). Keys, types and defaults are declared in the web client's
 * {@code client-settings.json}, which ClientSettingsFileTest holds this record to; docs/configuration.md.
 */
public record ClientConfig(
        boolean prejoinPageEnabled,
        boolean disableModeratorIndicator,
        boolean startWithAudioMuted,
        boolean startWithVideoMuted,
        boolean requireDisplayName,
        boolean enableLobby,
        boolean disableSimulcast,
        String iceTransportPolicy) {

    static final List<String> KEYS = List.of(
            "prejoinPageEnabled", "disableModeratorIndicator", "startWithAudioMuted",
            "startWithVideoMuted", "requireDisplayName", "enableLobby", "disableSimulcast", "iceTransportPolicy");

    /**
     * RTCConfiguration.iceTransportPolicy: "relay" sends all media through the TURN server (turn section),
     * for networks that allow nothing else, and for testing the TURN set-up.
     */
    static final List<String> ICE_TRANSPORT_POLICIES = List.of("all", "relay");

    /** Newer Jitsi Meet spells some of these differently; point people at our name. */
    private static final Map<String, String> HINTS = Map.of(
            "prejoinConfig", "prejoinPageEnabled",
            "lobby", "enableLobby");

    private static final ClientConfig DEFAULTS = new ClientConfig(true, false, false, false, false, false, false, "all");

    public static ClientConfig defaults() {
        return DEFAULTS;
    }

    /** Exactly the camelCase keys of the config file. */
    public ObjectNode toJson(ObjectMapper mapper) {
        return mapper.createObjectNode()
                .put("prejoinPageEnabled", prejoinPageEnabled)
                .put("disableModeratorIndicator", disableModeratorIndicator)
                .put("startWithAudioMuted", startWithAudioMuted)
                .put("startWithVideoMuted", startWithVideoMuted)
                .put("requireDisplayName", requireDisplayName)
                .put("enableLobby", enableLobby)
                .put("disableSimulcast", disableSimulcast)
                .put("iceTransportPolicy", iceTransportPolicy);
    }

    static ClientConfig fromJson(ConfigReader r, JsonNode node, String path) throws ConfigException {
        boolean prejoin = DEFAULTS.prejoinPageEnabled;
        boolean noModeratorIndicator = DEFAULTS.disableModeratorIndicator;
        boolean audioMuted = DEFAULTS.startWithAudioMuted;
        boolean videoMuted = DEFAULTS.startWithVideoMuted;
        boolean nameRequired = DEFAULTS.requireDisplayName;
        boolean lobby = DEFAULTS.enableLobby;
        boolean noSimulcast = DEFAULTS.disableSimulcast;
        String iceTransportPolicy = DEFAULTS.iceTransportPolicy;
        for (Map.Entry<String, JsonNode> field : r.fields(node, path)) {
            String key = ConfigReader.join(path, field.getKey());
            JsonNode value = field.getValue();
            switch (field.getKey()) {
                case "prejoinPageEnabled" -> prejoin = r.bool(value, key);
                case "disableModeratorIndicator" -> noModeratorIndicator = r.bool(value, key);
                case "startWithAudioMuted" -> audioMuted = r.bool(value, key);
                case "startWithVideoMuted" -> videoMuted = r.bool(value, key);
                case "requireDisplayName" -> nameRequired = r.bool(value, key);
                case "enableLobby" -> lobby = r.bool(value, key);
                case "disableSimulcast" -> noSimulcast = r.bool(value, key);
                case "iceTransportPolicy" -> iceTransportPolicy = r.oneOf(value, key, ICE_TRANSPORT_POLICIES);
                default -> throw r.unknownKey(path, field.getKey(), KEYS, HINTS);
            }
        }
        return new ClientConfig(prejoin, noModeratorIndicator, audioMuted, videoMuted, nameRequired, lobby,
                noSimulcast, iceTransportPolicy);
    }
}
