package org.javameet.signaling.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The config file's {@code interface} section (branding), sent to browsers as {@code interfaceConfig} in the
 * {@code welcome} message (Jitsi Meet's {@code interface_config.js}). Keys, types and defaults are declared in the
 * web client's {@code client-settings.json}, which ClientSettingsFileTest holds this record to; docs/configuration.md.
 */
public record InterfaceConfig(String appName, boolean showWatermark, String logoUrl, String welcomeText) {

    static final List<String> KEYS = List.of("appName", "showWatermark", "logoUrl", "welcomeText");

    /**
     * Jitsi Meet's interface_config.js names; the NixOS module translates them, a hand-written file may not.
     * The same as the {@code jitsiName}s of client-settings.json (ClientSettingsFileTest).
     */
    static final Map<String, String> HINTS = Map.of(
            "APP_NAME", "appName",
            "SHOW_JITSI_WATERMARK", "showWatermark",
            "DEFAULT_LOGO_URL", "logoUrl");

    private static final InterfaceConfig DEFAULTS =
            new InterfaceConfig("javameet", true, "", "Secure, self-hosted video meetings.");

    public InterfaceConfig {
        Objects.requireNonNull(appName, "appName");
        Objects.requireNonNull(logoUrl, "logoUrl");
        Objects.requireNonNull(welcomeText, "welcomeText");
    }

    public static InterfaceConfig defaults() {
        return DEFAULTS;
    }

    /** Exactly the camelCase keys of the config file. */
    public ObjectNode toJson(ObjectMapper mapper) {
        return mapper.createObjectNode()
                .put("appName", appName)
                .put("showWatermark", showWatermark)
                .put("logoUrl", logoUrl)
                .put("welcomeText", welcomeText);
    }

    static InterfaceConfig fromJson(ConfigReader r, JsonNode node, String path) throws ConfigException {
        String appName = DEFAULTS.appName;
        boolean showWatermark = DEFAULTS.showWatermark;
        String logoUrl = DEFAULTS.logoUrl;
        String welcomeText = DEFAULTS.welcomeText;
        for (Map.Entry<String, JsonNode> field : r.fields(node, path)) {
            String key = ConfigReader.join(path, field.getKey());
            JsonNode value = field.getValue();
            switch (field.getKey()) {
                case "appName" -> appName = r.string(value, key);
                case "showWatermark" -> showWatermark = r.bool(value, key);
                case "logoUrl" -> logoUrl = r.string(value, key);
                case "welcomeText" -> welcomeText = r.string(value, key);
                default -> throw r.unknownKey(path, field.getKey(), KEYS, HINTS);
            }
        }
        return new InterfaceConfig(appName, showWatermark, logoUrl, welcomeText);
    }
}
