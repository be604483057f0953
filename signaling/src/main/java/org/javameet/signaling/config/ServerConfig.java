package org.javameet.signaling.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The server's configuration: the JSON file of docs/configuration.md, then command-line overrides (a {@link Builder}).
 *
 * <p>Loading is strict: an unknown key, a value of the wrong type, an out-of-range port, an address that is not an
 * IP literal, a duplicate key or malformed JSON is a {@link ConfigException} naming the key path, because a
 * silently ignored typo in a production config is worse than a failed start.
 *
 * @param mediaTcpPort    the ICE-TCP port: null means the same number as {@code mediaPort}, 0 turns ICE-TCP off
 * @param mediaLoops      media event loops (threads), each with its own ports: {@code mediaPort + i} for UDP and the
 *                        ICE-TCP port {@code + i}; a room runs on one loop
 * @param publicAddresses addresses announced as ICE host candidates; empty means auto-detect
 * @param localAddress    with NAT, the private address the media socket binds; null when unset
 * @param turn            the TURN server (coturn) clients may relay through; none by default
 * @param metricsBearerTokenFile a file holding the token that lets non-loopback clients read {@code /metrics};
 *                        null: loopback only
 * @param maxPublisherBitrateKbps the REMB ceiling: the most any publisher is asked to send (kbit/s), whatever its
 *                        receivers could take
 */
public record ServerConfig(
        String httpAddress,
        int httpPort,
        int mediaPort,
        Integer mediaTcpPort,
        int mediaLoops,
        List<String> publicAddresses,
        String localAddress,
        LogLevel logLevel,
        ClientConfig client,
        InterfaceConfig interfaceConfig,
        AuthConfig auth,
        LimitsConfig limits,
        List<String> allowedOrigins,
        TurnConfig turn,
        String metricsBearerTokenFile,
        RecordingConfig recording,
        int lastN,
        int maxPublisherBitrateKbps) {

    /** Media loops beyond this are a mistake (a loop per core is the most that helps). */
    public static final int MAX_MEDIA_LOOPS = 64;

    /** The media session's default REMB ceiling (Router.DEFAULT_MAX_INCOMING_BITRATE), 2.5 Mbit/s. */
    public static final int DEFAULT_MAX_PUBLISHER_BITRATE_KBPS = 2500;
    /**
     * Below this a publisher cannot keep its lowest simulcast layer (200 kbit/s) and its microphone going with the
     * REMB's packet-overhead headroom: the camera would freeze for everyone, so a smaller value is refused as a typo.
     */
    public static final int MIN_PUBLISHER_BITRATE_KBPS = 300;
    /** A 1080p camera's three layers need ~6 Mbit/s and a 4K screen share ~15: 100 Mbit/s per publisher is a typo. */
    public static final int MAX_PUBLISHER_BITRATE_KBPS = 100_000;

    static final List<String> KEYS = List.of(
            "httpAddress", "httpPort", "mediaPort", "mediaTcpPort", "mediaLoops", "publicAddresses", "localAddress", "logLevel",
            "client", "interface", "auth", "limits", "allowedOrigins", "turn", "metricsBearerTokenFile", "recording", "lastN",
            "maxPublisherBitrateKbps");

    /** Names people bring from Jitsi Meet or from the NixOS module's options. */
    private static final Map<String, String> HINTS = Map.of(
            "config", "client",
            "interfaceConfig", "interface",
            "publicAddress", "publicAddresses",
            "stun", "turn",
            "iceServers", "turn");

    private static final ServerConfig DEFAULTS = new ServerConfig(
            "0.0.0.0", 8080, 10000, null, 1, List.of(), null, LogLevel.INFO,
            ClientConfig.defaults(), InterfaceConfig.defaults(), AuthConfig.defaults(), LimitsConfig.defaults(), List.of(),
            TurnConfig.defaults(), null, RecordingConfig.defaults(), -1, DEFAULT_MAX_PUBLISHER_BITRATE_KBPS);

    /** Checks what a builder can get wrong; the file loader reports these earlier, with the key path. */
    public ServerConfig {
        requireAddress("httpAddress", httpAddress);
        requirePort("httpPort", httpPort);
        requirePort("mediaPort", mediaPort);
        if (mediaTcpPort != null && mediaTcpPort != 0) {
            requirePort("mediaTcpPort", mediaTcpPort);
        }
        if (mediaLoops < 1 || mediaLoops > MAX_MEDIA_LOOPS) {
            throw new IllegalArgumentException("mediaLoops must be 1 to " + MAX_MEDIA_LOOPS + ", got " + mediaLoops);
        }
        publicAddresses = List.copyOf(Objects.requireNonNull(publicAddresses, "publicAddresses"));
        publicAddresses.forEach(a -> requireAddress("publicAddresses", a));
        if (localAddress != null) {
            requireAddress("localAddress", localAddress);
        }
        Objects.requireNonNull(logLevel, "logLevel");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(interfaceConfig, "interfaceConfig");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(limits, "limits");
        allowedOrigins = List.copyOf(allowedOrigins);
        Objects.requireNonNull(turn, "turn");
        Objects.requireNonNull(recording, "recording");
        if (lastN < -1 || lastN > MAX_LAST_N) {
            throw new IllegalArgumentException("lastN must be -1 (off) or 0-" + MAX_LAST_N + ", got " + lastN);
        }
        if (maxPublisherBitrateKbps < MIN_PUBLISHER_BITRATE_KBPS || maxPublisherBitrateKbps > MAX_PUBLISHER_BITRATE_KBPS) {
            throw new IllegalArgumentException("maxPublisherBitrateKbps must be " + MIN_PUBLISHER_BITRATE_KBPS + "-"
                    + MAX_PUBLISHER_BITRATE_KBPS + ", got " + maxPublisherBitrateKbps);
        }
    }

    /** More video streams than any screen can show in tiles; beyond it lastN would only hide a typo. */
    public static final int MAX_LAST_N = 1000;

    public static ServerConfig defaults() {
        return DEFAULTS;
    }

    /** Reads and parses a config file; the source name in error messages is the path as given. */
    public static ServerConfig load(Path file) throws ConfigException {
        String source = file.toString();
        if (Files.isDirectory(file)) {
            throw new ConfigException(source, null, "is a directory, not a file");
        }
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(source, null, "file not found", e);
        } catch (AccessDeniedException e) {
            throw new ConfigException(source, null, "cannot read file (permission denied)", e);
        } catch (CharacterCodingException e) {
            throw new ConfigException(source, null, "file is not valid UTF-8", e);
        } catch (IOException e) {
            throw new ConfigException(source, null, "cannot read file: " + e, e);
        }
        return parse(json, source);
    }

    /** Parses config JSON; {@code sourceName} (a file name, "--config-json", …) starts every error message. */
    public static ServerConfig parse(String json, String sourceName) throws ConfigException {
        ConfigReader r = new ConfigReader(sourceName);
        JsonNode root;
        try {
            root = ConfigJson.read(json); // strict: duplicate keys and trailing content are errors
        } catch (JsonProcessingException e) {
            throw invalidJson(sourceName, e);
        }
        if (root == null) {
            throw r.error(null, "the file is empty; write {} to use every default");
        }
        return fromJson(r, root);
    }

    private static ServerConfig fromJson(ConfigReader r, JsonNode root) throws ConfigException {
        Builder b = DEFAULTS.toBuilder();
        for (Map.Entry<String, JsonNode> field : r.fields(root, "")) {
            String key = field.getKey();
            JsonNode value = field.getValue();
            switch (key) {
                case "httpAddress" -> b.httpAddress(r.address(value, key));
                case "httpPort" -> b.httpPort(r.port(value, key));
                case "mediaPort" -> b.mediaPort(r.port(value, key));
                case "mediaTcpPort" -> b.mediaTcpPort(r.intIn(value, key, 0, 65535));
                case "mediaLoops" -> b.mediaLoops(r.intIn(value, key, 1, MAX_MEDIA_LOOPS));
                case "publicAddresses" -> b.publicAddresses(r.addresses(value, key));
                case "localAddress" -> b.localAddress(r.optionalAddress(value, key));
                case "logLevel" -> b.logLevel(r.logLevel(value, key));
                case "client" -> b.client(ClientConfig.fromJson(r, value, key));
                case "interface" -> b.interfaceConfig(InterfaceConfig.fromJson(r, value, key));
                case "auth" -> b.auth(AuthConfig.fromJson(r, value, key));
                case "limits" -> b.limits(LimitsConfig.fromJson(r, value, key));
                case "allowedOrigins" -> b.allowedOrigins(r.origins(value, key));
                case "turn" -> b.turn(TurnConfig.fromJson(r, value, key));
                case "metricsBearerTokenFile" -> b.metricsBearerTokenFile(r.optionalPath(value, key));
                case "recording" -> b.recording(RecordingConfig.fromJson(r, value, key));
                case "lastN" -> b.lastN(r.intIn(value, key, -1, MAX_LAST_N));
                case "maxPublisherBitrateKbps" -> b.maxPublisherBitrateKbps(
                        r.intIn(value, key, MIN_PUBLISHER_BITRATE_KBPS, MAX_PUBLISHER_BITRATE_KBPS));
                default -> throw r.unknownKey("", key, KEYS, HINTS);
            }
        }
        ServerConfig c = b.build();
        String conflict = c.portConflict();
        if (conflict != null) {
            throw r.error("mediaTcpPort", conflict);
        }
        return c;
    }

    /** The ICE-TCP port the server listens on, or 0 when ICE-TCP is off. */
    public int effectiveMediaTcpPort() {
        return mediaTcpPort == null ? mediaPort : mediaTcpPort;
    }

    /**
     * Checked once everything is set (file, then command line), not per builder setter: HTTP and ICE-TCP cannot share a
     * TCP port. Null when they do not.
     */
    public String portConflict() {
        int tcp = effectiveMediaTcpPort();
        if (tcp != 0 && httpPort >= tcp && httpPort < tcp + mediaLoops) {
            return "the ICE-TCP media port" + (mediaLoops > 1 ? "s " + tcp + "-" + (tcp + mediaLoops - 1) + " (one per media loop)"
                    : "") + " (mediaTcpPort" + (mediaTcpPort == null ? ", by default the mediaPort" : "")
                    + ") and httpPort are both TCP port " + httpPort + "; set mediaTcpPort to another port, or 0 to turn "
                    + "ICE-TCP off";
        }
        if (mediaPort + mediaLoops - 1 > 65535 || tcp != 0 && tcp + mediaLoops - 1 > 65535) {
            return mediaLoops + " media loops need " + mediaLoops + " ports from mediaPort (and from the ICE-TCP port), "
                    + "past 65535";
        }
        return null;
    }

    private static ConfigException invalidJson(String sourceName, JsonProcessingException e) {
        var where = e.getLocation();
        String at = where == null ? "" : " at line " + where.getLineNr() + ", column " + where.getColumnNr();
        String message = e.getOriginalMessage();
        if (message.startsWith("Duplicate field") && e instanceof StreamReadException sre
                && sre.getProcessor() != null) {
            String path = pathOf(sre.getProcessor().getParsingContext(), duplicateName(message));
            return new ConfigException(sourceName, path, "duplicate key \"" + path + "\"" + at, e);
        }
        if (message.startsWith("Trailing token")) {
            return new ConfigException(sourceName, null, "invalid JSON" + at + ": more content after the top-level object", e);
        }
        // Jackson appends where an unclosed object or array began; the line/column above says enough.
        int startMarker = message.indexOf(" (start marker at");
        if (startMarker >= 0) {
            message = message.substring(0, startMarker);
        }
        return new ConfigException(sourceName, null, "invalid JSON" + at + ": " + message, e);
    }

    /** Jackson says {@code Duplicate field 'name'}. */
    private static String duplicateName(String message) {
        int open = message.indexOf('\'');
        int close = message.lastIndexOf('\'');
        return open >= 0 && close > open ? message.substring(open + 1, close) : "?";
    }

    /** The dotted path of {@code name} inside the object being parsed when the duplicate was found. */
    private static String pathOf(JsonStreamContext context, String name) {
        Deque<String> parts = new ArrayDeque<>();
        parts.push(name);
        for (JsonStreamContext c = context.getParent(); c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inObject()) {
                parts.push(c.getCurrentName());
            } else if (c.inArray()) {
                String inner = parts.pop();
                parts.push("[" + c.getCurrentIndex() + "]." + inner);
            }
        }
        return String.join(".", parts).replace(".[", "[");
    }

    /** The whole configuration in the file's format; {@code parse(toJson(m).toString(), …)} gives it back. */
    public ObjectNode toJson(ObjectMapper mapper) {
        ObjectNode json = mapper.createObjectNode()
                .put("httpAddress", httpAddress)
                .put("httpPort", httpPort)
                .put("mediaPort", mediaPort);
        if (mediaTcpPort != null) {
            json.put("mediaTcpPort", mediaTcpPort);
        }
        if (mediaLoops != 1) {
            json.put("mediaLoops", mediaLoops);
        }
        publicAddresses.forEach(json.putArray("publicAddresses")::add);
        if (localAddress != null) {
            json.put("localAddress", localAddress);
        }
        json.put("logLevel", logLevel.configName());
        json.set("client", client.toJson(mapper));
        json.set("interface", interfaceConfig.toJson(mapper));
        json.set("auth", auth.toJson(mapper));
        json.set("limits", limits.toJson(mapper));
        allowedOrigins.forEach(json.putArray("allowedOrigins")::add);
        json.set("turn", turn.toJson(mapper));
        if (metricsBearerTokenFile != null) {
            json.put("metricsBearerTokenFile", metricsBearerTokenFile);
        }
        json.set("recording", recording.toJson(mapper));
        json.put("lastN", lastN);
        json.put("maxPublisherBitrateKbps", maxPublisherBitrateKbps);
        return json;
    }
















    /**
     * The token of {@link #metricsBearerTokenFile()} (surrounding whitespace removed), or null when none is set.
     * Read when the server starts; errors name the key, never the file's content.
     */
    public String readMetricsBearerToken(String sourceName) throws ConfigException {
        if (metricsBearerTokenFile == null) {
            return null;
        }
        String token;
        try {
            token = Files.readString(Path.of(metricsBearerTokenFile), StandardCharsets.UTF_8).strip();
        } catch (NoSuchFileException e) {
            throw new ConfigException(sourceName, "metricsBearerTokenFile", "\"metricsBearerTokenFile\": file "
                    + metricsBearerTokenFile + " not found", e);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(sourceName, "metricsBearerTokenFile", "\"metricsBearerTokenFile\": cannot read "
                    + metricsBearerTokenFile + ": " + e.getClass().getSimpleName(), e);
        }
        if (token.length() < 16 || token.chars().anyMatch(ch -> ch <= ' ' || ch > '~')) {
            throw new ConfigException(sourceName, "metricsBearerTokenFile", "\"metricsBearerTokenFile\": the token "
                    + "must be at least 16 printable ASCII characters without spaces");
        }
        return token;
    }



    /** A builder holding this configuration's values, to change some of them (command line, tests). */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * Changes a configuration a few options at a time; {@link #build} checks the whole as the constructor does.
     * One setter per option, named as the option; the file loader and the command line use it too.
     */
    public static final class Builder {
        private String httpAddress;
        private int httpPort;
        private int mediaPort;
        private Integer mediaTcpPort;
        private int mediaLoops;
        private List<String> publicAddresses;
        private String localAddress;
        private LogLevel logLevel;
        private ClientConfig client;
        private InterfaceConfig interfaceConfig;
        private AuthConfig auth;
        private LimitsConfig limits;
        private List<String> allowedOrigins;
        private TurnConfig turn;
        private String metricsBearerTokenFile;
        private RecordingConfig recording;
        private int lastN;
        private int maxPublisherBitrateKbps;

        private Builder(ServerConfig c) {
            httpAddress = c.httpAddress;
            httpPort = c.httpPort;
            mediaPort = c.mediaPort;
            mediaTcpPort = c.mediaTcpPort;
            mediaLoops = c.mediaLoops;
            publicAddresses = c.publicAddresses;
            localAddress = c.localAddress;
            logLevel = c.logLevel;
            client = c.client;
            interfaceConfig = c.interfaceConfig;
            auth = c.auth;
            limits = c.limits;
            allowedOrigins = c.allowedOrigins;
            turn = c.turn;
            metricsBearerTokenFile = c.metricsBearerTokenFile;
            recording = c.recording;
            lastN = c.lastN;
            maxPublisherBitrateKbps = c.maxPublisherBitrateKbps;
        }

        public Builder httpAddress(String v) { httpAddress = v; return this; }

        public Builder httpPort(int v) { httpPort = v; return this; }

        public Builder mediaPort(int v) { mediaPort = v; return this; }

        /** Null: the same number as the media port; 0: no ICE-TCP. */
        public Builder mediaTcpPort(Integer v) { mediaTcpPort = v; return this; }

        /** Media event loops, on ports {@code mediaPort} to {@code mediaPort + mediaLoops - 1}. */
        public Builder mediaLoops(int v) { mediaLoops = v; return this; }

        /** An empty list means auto-detect. */
        public Builder publicAddresses(List<String> v) { publicAddresses = v; return this; }

        /** Null means unset. */
        public Builder localAddress(String v) { localAddress = v; return this; }

        public Builder logLevel(LogLevel v) { logLevel = v; return this; }

        public Builder client(ClientConfig v) { client = v; return this; }

        public Builder interfaceConfig(InterfaceConfig v) { interfaceConfig = v; return this; }

        public Builder auth(AuthConfig v) { auth = v; return this; }

        public Builder limits(LimitsConfig v) { limits = v; return this; }

        /** Empty: WebSockets only from pages of the host they connect to. */
        public Builder allowedOrigins(List<String> v) { allowedOrigins = v; return this; }

        public Builder turn(TurnConfig v) { turn = v; return this; }

        /** Null: {@code /metrics} for loopback clients only. */
        public Builder metricsBearerTokenFile(String v) { metricsBearerTokenFile = v; return this; }

        public Builder recording(RecordingConfig v) { recording = v; return this; }

        /** Each participant receives video from at most this many others, the most recent speakers; -1: everyone. */
        public Builder lastN(int v) { lastN = v; return this; }

        /** The REMB ceiling, kbit/s: the most any publisher is asked to send. */
        public Builder maxPublisherBitrateKbps(int v) { maxPublisherBitrateKbps = v; return this; }

        /** The configuration; {@link IllegalArgumentException} for a value out of range, as the constructor. */
        public ServerConfig build() {
            return new ServerConfig(httpAddress, httpPort, mediaPort, mediaTcpPort, mediaLoops, publicAddresses,
                    localAddress, logLevel, client, interfaceConfig, auth, limits, allowedOrigins, turn,
                    metricsBearerTokenFile, recording, lastN, maxPublisherBitrateKbps);
        }
    }

    private static void requirePort(String name, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(name + " must be 1-65535, got " + port);
        }
    }

    private static void requireAddress(String name, String address) {
        if (!IpLiteral.isValid(address)) {
            throw new IllegalArgumentException(name + " must be an IP address literal, got " + address);
        }
    }
}
